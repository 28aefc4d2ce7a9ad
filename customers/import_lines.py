"""Reading a prospect list and shaping each line (rules.md §3.5 bulk import).

Files are read with tablib; each line is shaped into the same values the create form gives
the service, or a message for its line number.
"""

import csv
import io
import math
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import tablib
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Channel, Customer, Source
from customers.normalize import InvalidPhone, normalize_name, normalize_phone
from salesops import access
from salesops.errors import DomainError
from salesops.models import User
from salesops.money import MAX_AMOUNT
from salesops.months import EARLIEST_DATE, LATEST_DATE, in_date_window
from territories.models import Territory

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
# An XLSX file is a zip: 5 MB of it can unpack to gigabytes (a "zip bomb") or to a million
# rows. What it unpacks to is checked before it is read, and rows are read up to the limit.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_ENTRIES = 500

# Column headings users' own spreadsheets use, in English and Chinese (lower-cased, no spaces).
COLUMNS = {
    "name": [
        "name",
        "customer",
        "customername",
        "company",
        "companyname",
        "名称",
        "客户名称",
        "公司名称",
        "客户",
        "单位名称",
    ],
    "channel": ["channel", "渠道", "客户类型", "类型"],
    "territory": [
        "territory",
        "territorycode",
        "city",
        "辖区",
        "区域",
        "地区",
        "城市",
        "所在城市",
        "区县",
    ],
    "address": ["address", "地址"],
    "industry": ["industry", "行业"],
    "phone": ["phone", "telephone", "tel", "电话", "公司电话", "座机"],
    "contact_name": ["contact", "contactname", "contactperson", "联系人", "联系人姓名"],
    "contact_position": ["position", "title", "职位", "职务"],
    "contact_phone": [
        "contactphone",
        "mobile",
        "mobilephone",
        "手机",
        "联系人电话",
        "联系电话",
    ],
    "contact_email": ["email", "e-mail", "邮箱", "电子邮件"],
    "estimated_monthly_demand": [
        "demand",
        "monthlydemand",
        "estimatedmonthlydemand",
        "estimatedmonthlydemand(cny)",
        "estimatedmonthlyusage",
        "estimatedmonthlyusage(cny)",
        "monthlyusage",
        "月需求",
        "月需求量",
        "预计月需求",
        "月需求(元)",
        "预计月需求(元)",
        "月用量",
        "预计月用量",
        "预计月用量(元)",
    ],
    "expected_order_date": ["expectedorderdate", "orderdate", "预计下单日期", "预计订货日期"],
    "current_supplier": [
        "supplier",
        "currentsupplier",
        "现供应商",
        "当前供应商",
        "现用品牌",
        "供应商",
    ],
    "current_price": ["price", "currentprice", "价格", "现价格", "现用价格"],
    "source": ["source", "来源", "客户来源"],
}
FIELD_LABELS = {
    "name": gettext_lazy("Customer name"),
    "channel": gettext_lazy("Channel"),
    "territory": gettext_lazy("Territory"),
    "address": gettext_lazy("Address"),
    "industry": gettext_lazy("Industry"),
    "phone": gettext_lazy("Phone"),
    "contact_name": gettext_lazy("Contact"),
    "contact_position": gettext_lazy("Position"),
    "contact_phone": gettext_lazy("Contact phone"),
    "contact_email": gettext_lazy("Contact e-mail"),
    "estimated_monthly_demand": gettext_lazy("Estimated monthly demand (CNY)"),
    "expected_order_date": gettext_lazy("Expected order date"),
    "current_supplier": gettext_lazy("Current supplier or brand"),
    "current_price": gettext_lazy("Price they pay"),
    "source": gettext_lazy("Source"),
}
_HEADING_TO_FIELD: dict[str, str] = {}
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]


def _heading_key(heading) -> str:
    return re.sub(r"[\s_（）()\-]", "", str(heading or "")).casefold()


_HEADING_TO_FIELD.update(
    {_heading_key(alias): field for field, aliases in COLUMNS.items() for alias in aliases}
)


def map_columns(headers: list) -> dict[int, str]:
    """Column index → field, from the headings; unknown columns are left out (and shown)."""
    mapping = {}
    for index, heading in enumerate(headers):
        field = _HEADING_TO_FIELD.get(_heading_key(heading))
        if field and field not in mapping.values():
            mapping[index] = field
    return mapping


def read_table(content: bytes, file_name: str) -> tuple[tablib.Dataset, str]:
    """The file's rows, and the text encoding used (CSV from Chinese Excel is GB18030).

    A file too large, unpacking to too much, or longer than MAX_LINES lines is refused
    (rules.md §3.5) before it can hold up the worker."""
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(_("The file is larger than 5 MB; split it."), field="file")
    if file_name.lower().endswith(".xlsx"):
        return _xlsx_table(content), "xlsx"
    if not file_name.lower().endswith(".csv"):
        raise DomainError(_("Upload a .csv or .xlsx file."), field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _csv_table(text), encoding
    raise DomainError(
        _("The file's text encoding is neither UTF-8 nor GB18030; save it as CSV UTF-8."),
        field="file",
    )


def _too_many_lines() -> DomainError:
    return DomainError(
        _("The file has more than %(limit)s lines; split it.") % {"limit": f"{MAX_LINES:,}"},
        field="file",
    )


def _csv_table(text: str) -> tablib.Dataset:
    # A NUL byte is never part of a value (and PostgreSQL refuses it in text): drop it.
    text = text.replace("\x00", "")
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except (csv.Error, tablib.InvalidDimensions) as error:
        # A field over the csv module's limit (128 KB), a NUL byte, a ragged line.
        raise DomainError(
            _("The file cannot be read as CSV (%(reason)s); save it again from Excel.")
            % {"reason": error},
            field="file",
        ) from error
    if len(dataset) > MAX_LINES:
        raise _too_many_lines()
    return dataset


def _check_unpacked_size(content: bytes) -> None:
    try:
        entries = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise DomainError(_("This is not a readable XLSX workbook."), field="file") from error
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_XLSX_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise DomainError(
            _("The workbook unpacks to more than %(limit)s MB; split it.")
            % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)},
            field="file",
        )


def _xlsx_table(content: bytes) -> tablib.Dataset:
    """The active sheet's rows, read one at a time and never past MAX_LINES."""
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    dataset = tablib.Dataset()
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        headers = list(next(rows, None) or [])
        dataset.headers = headers
        for number, row in enumerate(rows, start=1):
            if number > MAX_LINES:
                raise _too_many_lines()
            cells = list(row)[: len(headers)]
            dataset.append(cells + [None] * (len(headers) - len(cells)))
    except DomainError:
        raise
    except Exception as error:  # a damaged workbook fails in many ways (zip, XML, KeyError)
        raise DomainError(_("This is not a readable XLSX workbook."), field="file") from error
    return dataset


class LineError(ValueError):
    pass


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _parse_demand(value) -> Decimal | None:
    text = re.sub(r"[,，\s¥￥元]", "", _text(value))
    if not text:
        return None
    multiplier = Decimal("10000") if text.endswith("万") else Decimal("1")
    try:
        amount = Decimal(text.rstrip("万")) * multiplier
    except InvalidOperation:
        raise LineError(_("monthly demand “%(v)s” is not a number") % {"v": value}) from None
    if not amount.is_finite():  # NaN, Infinity
        raise LineError(_("monthly demand “%(v)s” is not a number") % {"v": value})
    if amount < 0:
        raise LineError(_("monthly demand cannot be negative"))
    if amount > MAX_AMOUNT:  # what the column holds, checked here, not when writing
        raise LineError(
            _("monthly demand cannot be above %(limit)s") % {"limit": f"{MAX_AMOUNT:,}"}
        )
    return amount.quantize(Decimal("0.01"))


def _parse_date(value) -> date | None:
    day = _calendar_date(value)
    if day is not None and not in_date_window(day):
        raise LineError(
            _("date “%(v)s” is not between %(first)s and %(last)s")
            % {"v": value, "first": EARLIEST_DATE, "last": LATEST_DATE}
        )
    return day


def _calendar_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise LineError(_("date “%(v)s” is not in the form 2026-12-31") % {"v": value})


def _phone(value, label: str) -> str:
    text = _text(value)
    if isinstance(value, int | float) and math.isfinite(value):
        text = str(int(value))  # a spreadsheet stored the number as a number
    try:
        return normalize_phone(text) and text
    except InvalidPhone:
        raise LineError(
            _("%(label)s “%(v)s” is not a mainland mobile or landline number")
            % {"label": label, "v": value}
        ) from None


def _choice_lookup(choices) -> dict[str, str]:
    """Codes and labels in both languages → code."""
    lookup = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for code, label in choices:
                lookup[str(label).casefold()] = code
                lookup[code] = code
    return lookup


class TerritoryLookup:
    """Territories by code or name, within what the user may change (everything else refused)."""

    def __init__(self, user: User):
        self.allowed = {t.pk: t for t in access.changeable_territories(user)}
        self.by_key: dict[str, list[Territory]] = {}
        for territory in self.allowed.values():
            for key in {territory.code, territory.name_zh, territory.name_en.casefold()}:
                self.by_key.setdefault(key, []).append(territory)

    def find(self, value) -> Territory:
        key = _text(value)
        matches = self.by_key.get(key) or self.by_key.get(key.casefold()) or []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            # A municipality and its urban district share a name (上海市, 北京市, 天津市,
            # 重庆市): the name means the municipality, the one above all the others.
            top = min(matches, key=lambda territory: len(territory.path))
            if all(match.path.startswith(top.path) for match in matches):
                return top
            raise LineError(_("territory “%(v)s” is ambiguous; use its code") % {"v": value})
        if Territory.objects.filter(Q(code=key) | Q(name_zh=key) | Q(name_en__iexact=key)).exists():
            raise LineError(_("territory “%(v)s” is outside your territories") % {"v": value})
        raise LineError(_("unknown territory “%(v)s”") % {"v": value})


def clean_line(values: dict, *, default_territory: Territory | None, territories, lookups) -> dict:
    name = _text(values.get("name"))
    if not name:
        raise LineError(_("the name is missing"))
    territory = (
        territories.find(values["territory"])
        if _text(values.get("territory"))
        else default_territory
    )
    if territory is None:
        raise LineError(_("no territory: fill the column or choose a default"))
    channel = lookups["channel"].get(
        _text(values.get("channel")).casefold(), Channel.TERMINAL_MEDIUM
    )
    if (
        _text(values.get("channel"))
        and _text(values.get("channel")).casefold() not in lookups["channel"]
    ):
        raise LineError(_("unknown channel “%(v)s”") % {"v": values["channel"]})
    source = lookups["source"].get(_text(values.get("source")).casefold(), "")
    demand = _parse_demand(values.get("estimated_monthly_demand"))
    order_date = _parse_date(values.get("expected_order_date"))
    return {
        "name": name[:200],
        "channel": channel,
        "territory_id": territory.pk,
        "address": _text(values.get("address"))[:300],
        "industry": _text(values.get("industry"))[:100],
        "phone": _phone(values.get("phone"), _("phone"))[:40],
        "estimated_monthly_demand": str(demand) if demand is not None else None,
        "expected_order_date": order_date.isoformat() if order_date else None,
        "current_supplier": _text(values.get("current_supplier"))[:200],
        "current_price": _text(values.get("current_price"))[:100],
        "source": source,
        "contact": {
            "name": _text(values.get("contact_name"))[:100],
            "position": _text(values.get("contact_position"))[:100],
            "phone": _phone(values.get("contact_phone"), _("contact phone"))[:40],
            "email": _text(values.get("contact_email"))[:254],
        },
    }


def _keys(row: dict) -> tuple[str, list[str]]:
    phones = [normalize_phone(row["phone"]), normalize_phone(row["contact"]["phone"])]
    return normalize_name(row["name"]), [phone for phone in phones if phone]


def find_duplicates(rows: list[tuple[int, dict]]) -> list[dict]:
    """Lines matching a customer on file, or an earlier line of the same file."""
    keyed = [(line, *_keys(row)) for line, row in rows]
    names = {name for _line, name, _phones in keyed}
    phones = {phone for _line, _name, line_phones in keyed for phone in line_phones}
    on_file: dict[str, str] = {}
    existing = Customer.objects.filter(
        Q(normalized_name__in=names)
        | Q(normalized_phone__in=phones)
        | Q(contacts__normalized_phone__in=phones)
    ).prefetch_related("contacts")
    for customer in existing.distinct()[:5000]:
        for key in [customer.normalized_name, customer.normalized_phone] + [
            contact.normalized_phone for contact in customer.contacts.all()
        ]:
            if key:
                on_file.setdefault(key, customer.name)
    duplicates, seen_in_file = [], {}
    for line, name, line_phones in keyed:
        match = next((on_file[key] for key in [name, *line_phones] if key in on_file), None)
        earlier = next(
            (seen_in_file[key] for key in [name, *line_phones] if key in seen_in_file), None
        )
        if match:
            duplicates.append({"line": line, "matches": match})
        elif earlier:
            duplicates.append({"line": line, "matches": _("line %(n)s") % {"n": earlier}})
        for key in [name, *line_phones]:
            seen_in_file.setdefault(key, line)
    return duplicates


def check_lines(
    dataset: tablib.Dataset,
    mapping: dict[int, str],
    *,
    by: User,
    default_territory: Territory | None,
) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Every non-empty line shaped for the database, or an error with its line number."""
    if "name" not in mapping.values():  # the preview then asks which column holds what
        message = _("No column holds the customer's name: choose it under “Columns”.")
        return [], [{"line": 1, "message": message}]
    territories = TerritoryLookup(by)
    lookups = {"channel": _choice_lookup(Channel.choices), "source": _choice_lookup(Source.choices)}
    rows, errors = [], []
    for line, raw in enumerate(dataset, start=2):  # line 1 holds the headings
        if not any(_text(cell) for cell in raw):
            continue
        values = {field: raw[index] for index, field in mapping.items()}
        try:
            cleaned = clean_line(
                values,
                default_territory=default_territory,
                territories=territories,
                lookups=lookups,
            )
        except LineError as error:
            errors.append({"line": line, "message": str(error)})
        else:
            rows.append((line, cleaned))
    return rows, errors
