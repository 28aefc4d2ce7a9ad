"""Keys for duplicate detection (rules.md §3.4): a normalised name and a normalised phone.

Two spellings of one company or one number give the same key, so "杭州永固胶业有限公司",
"杭州 永固胶业" and "ＨＡＮＧＺＨＯＵ永固胶业 Co., Ltd." are caught before they are saved twice.
"""

import re
import unicodedata

# Longest first, so "股份有限公司" goes before "有限公司" and "公司".
COMPANY_SUFFIXES = sorted(
    [
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "集团公司",
        "集团",
        "公司",
        "厂",
        "coltd",
        "company",
        "limited",
        "ltd",
        "inc",
        "corp",
        "llc",
    ],
    key=len,
    reverse=True,
)
_PUNCTUATION = re.compile(r"[\s,.·()（）\-_/&'\"]+")


def normalize_name(name: str) -> str:
    """Case, full/half width, spaces, punctuation and company suffixes do not count."""
    text, previous = name or "", None
    while text != previous:  # removing a space can join a combining mark: repeat until stable
        previous, text = text, _normalize_once(text)
    return text


def _normalize_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = _PUNCTUATION.sub("", text)
    stripped = True
    while stripped and text:
        stripped = False
        for suffix in COMPANY_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                stripped = True
                break
    return text[:200]


_EXTENSION = re.compile(r"(转|ext\.?|x|分机).*$", re.IGNORECASE)
_ALLOWED = re.compile(r"^[\d\s+\-()（）.]+$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0[1-9]\d{1,2}\d{7,8}$")


class InvalidPhone(ValueError):
    pass


def normalize_phone(phone: str) -> str:
    """The mainland number as dialled at home: a mobile's 11 digits, or a landline's 0 + area
    code + number. "+86", "0086" and "86" prefixes, spaces, dashes and brackets do not count;
    an extension (转 123) is dropped. Empty stays empty; anything else raises InvalidPhone.
    """
    text = unicodedata.normalize("NFKC", phone or "").strip()
    if not text:
        return ""
    text = _EXTENSION.sub("", text).strip()
    if not _ALLOWED.match(text):
        raise InvalidPhone(phone)
    digits = re.sub(r"\D", "", text)
    international = text.startswith("+") or digits.startswith("0086")
    if text.startswith("+") and not digits.startswith("86"):
        raise InvalidPhone(phone)  # mainland numbers only (rules.md §3.4)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and (international or len(digits) in (12, 13)):
        digits = digits[2:]
    if MOBILE.match(digits):
        return digits
    if international and not digits.startswith("0"):
        digits = "0" + digits  # +86 571 … drops the trunk 0 of the area code
    if LANDLINE.match(digits):
        return digits
    raise InvalidPhone(phone)


def try_normalize_phone(phone: str) -> str:
    """For matching only: an unparseable number matches nothing."""
    try:
        return normalize_phone(phone)
    except InvalidPhone:
        return ""
