"""rules.md §3.4 duplicates: normalised name and phone (property-based where it fits)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers.normalize import InvalidPhone, normalize_name, normalize_phone

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
area_codes = st.sampled_from(["21", "571", "25", "28", "574", "755"])
local_numbers = st.from_regex(r"[2-8][0-9]{7}", fullmatch=True)
separators = st.sampled_from(["", " ", "-", "  "])


def _to_full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@given(mobiles, st.sampled_from(["", "+86 ", "+86-", "0086 ", "86"]), separators)
def test_a_mobile_number_has_one_key_however_it_is_written(mobile, prefix, sep):
    written = prefix + sep.join([mobile[:3], mobile[3:7], mobile[7:]])

    assert normalize_phone(written) == mobile
    assert normalize_phone(_to_full_width(written)) == mobile


@given(area_codes, local_numbers, separators)
def test_a_landline_has_one_key_with_or_without_the_country_code(area, number, sep):
    key = f"0{area}{number}"

    assert normalize_phone(f"0{area}{sep}{number}") == key
    assert normalize_phone(f"(0{area}) {number}") == key
    assert normalize_phone(f"+86 {area} {number}") == key
    assert normalize_phone(f"0{area}-{number} 转 8001") == key


@pytest.mark.parametrize(
    "garbage", ["abc", "12345", "138001380001234", "电话待补", "+1 415 555 0100"]
)
def test_unparseable_phones_are_refused(garbage):
    with pytest.raises(InvalidPhone):
        normalize_phone(garbage)


company_words = st.text(alphabet="永固胶业粘材料科技杭州宁波上海新华达", min_size=2, max_size=8)
suffixes = st.sampled_from(
    ["", "有限公司", "股份有限公司", "有限责任公司", " Co., Ltd.", " co ltd", "公司"]
)


@given(company_words, suffixes, separators)
def test_company_suffix_spaces_and_width_do_not_make_a_new_name(words, suffix, sep):
    base = normalize_name(words)
    written = sep.join(words) + suffix

    assert normalize_name(written) == base
    assert normalize_name(_to_full_width(written)) == base


@given(st.text(max_size=60))
def test_normalising_a_name_twice_changes_nothing(name):
    once = normalize_name(name)

    assert normalize_name(once) == once


def test_latin_names_ignore_case_and_suffix():
    assert normalize_name("ACME Adhesives Co., Ltd.") == normalize_name("acme adhesives")
