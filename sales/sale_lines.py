"""Reading and checking sales lines (rules.md §7.1): a CSV or XLSX file into rows, and rows into
unsaved sales with their errors by line number. Nothing here writes; `sales.services.sales`
does, all or nothing."""

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import Channel, Customer
from sales.models import Sale
from sales.selectors.sales import importable_territories
from salesops import access
from salesops.errors import DomainError
from salesops.models import User
from salesops.money import MAX_AMOUNT
from salesops.months import EARLIEST_DATE, LATEST_DATE, month_of
from territories.models import Assignment, CrossTerritoryRequest

COLUMNS = ["order_number", "line", "date", "customer", "salesperson", "amount", "gross_profit"]
OPTIONAL_COLUMNS = ["channel"]
CENT = Decimal("0.01")
ORDER_NUMBER_MAX_LENGTH = Sale._meta.get_field("order_number").max_length
# The line column is a 32-bit integer in the database.
MAX_LINE = 2_147_483_647
CHECK_CHUNK = 5000  # lines checked per round of lookups (a few queries each)

# What one import may hold (checked before anything is parsed): a month's order export of the
# whole company fits with room to spare; a bigger file is split.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LINES = 200_000
# An XLSX is a zip: what it unpacks to is bounded too, so a small file cannot expand into
# gigabytes (a "zip bomb") in the worker.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_XLSX_ENTRIES = 200


# --- reading a file --------------------------------------------------------------------------


def read_rows(upload) -> tuple[list[dict], str]:
    """Rows of a CSV or XLSX upload as dicts of text, and the file's checksum."""
    content = upload.read()
    return read_content(content, upload.name), hashlib.sha256(content).hexdigest()


def check_file(content: bytes, file_name: str) -> None:
    """The limits, checked before parsing: size, lines, and an XLSX's entries and unpacked size."""
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(
            _("The file is larger than %(mb)s MB; split it into several imports.")
            % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            field="file",
        )
    if file_name.lower().endswith(".xlsx"):
        _check_workbook(content)
    elif content.count(b"\n") > MAX_LINES:  # the header line and up to MAX_LINES order lines
        raise _too_many_lines()


def _too_many_lines() -> DomainError:
    return DomainError(
        _("The file has more than %(lines)s lines; split it into several imports.")
        % {"lines": f"{MAX_LINES:,}"},
        field="file",
    )


def _check_workbook(content: bytes) -> None:
    try:
        entries = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise DomainError(_("This is not a readable XLSX workbook."), field="file") from None
    if len(entries) > MAX_XLSX_ENTRIES:
        raise DomainError(
            _("The workbook holds more than %(n)s parts; save it again as a plain XLSX.")
            % {"n": MAX_XLSX_ENTRIES},
            field="file",
        )
    if sum(entry.file_size for entry in entries) > MAX_XLSX_UNPACKED_BYTES:
        raise DomainError(
            _("The workbook unpacks to more than %(mb)s MB; split it into several imports.")
            % {"mb": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)},
            field="file",
        )


def read_content(content: bytes, file_name: str) -> list[dict]:
    """Rows of a stored CSV or XLSX file, within the limits of `check_file`."""
    check_file(content, file_name)
    if file_name.lower().endswith(".xlsx"):
        return _xlsx_rows(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DomainError(_("The file must be UTF-8 CSV or XLSX."), field="file") from error
    return csv_rows(text)


def csv_rows(text: str) -> list[dict]:
    """The lines of a CSV text as dicts; a broken file (a field longer than the csv module
    reads) is refused with the line it broke on, never a server error."""
    # A NUL byte is never part of a value (and PostgreSQL refuses it in text): drop it.
    reader = csv.DictReader(io.StringIO(text.replace("\x00", "")))
    try:
        return list(reader)
    except csv.Error as error:
        raise DomainError(
            _("Line %(line)s of the file cannot be read as CSV: %(reason)s")
            # The reader counts the lines it finished; the broken one is the next.
            % {"line": reader.line_num + 1, "reason": error},
            field="file",
        ) from error


def _xlsx_rows(content: bytes) -> list[dict]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows, [])]
        lines = []
        for row in rows:
            if any(row):
                if len(lines) == MAX_LINES:  # counted as read: a sheet's stated size can lie
                    raise _too_many_lines()
                lines.append(dict(zip(header, row, strict=False)))
        return lines
    except DomainError:
        raise
    except Exception as error:  # a damaged workbook fails in many ways (zip, XML, KeyError)
        raise DomainError(
            _("This is not a readable XLSX workbook; save it again from Excel, or as CSV."),
            field="file",
        ) from error


# The columns' names in a message, translated only when a message is written (not per line).
AMOUNT = gettext_lazy("Amount")
GROSS_PROFIT = gettext_lazy("Gross profit")


# --- checking one line ------------------------------------------------------------------------


def _money(value, label) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError) as error:
        raise DomainError(_("%(field)s is not a number.") % {"field": label}) from error
    if not amount.is_finite():
        raise DomainError(_("%(field)s is not a number.") % {"field": label})
    if abs(amount) > MAX_AMOUNT:
        raise DomainError(
            _("%(field)s is above %(limit)s.") % {"field": label, "limit": f"{MAX_AMOUNT:,}"}
        )
    return amount.quantize(CENT)


def _order_key(row: dict) -> tuple[str, int]:
    order_number = str(row.get("order_number") or "").strip()
    if not order_number:
        raise DomainError(_("The order number is missing."))
    if len(order_number) > ORDER_NUMBER_MAX_LENGTH:
        raise DomainError(
            _("The order number is longer than %(limit)s characters.")
            % {"limit": ORDER_NUMBER_MAX_LENGTH}
        )
    try:
        line = int(str(row.get("line") or "1").strip())
    except ValueError as error:
        raise DomainError(_("The line must be a whole number.")) from error
    if not 1 <= line <= MAX_LINE:
        raise DomainError(
            _("The line must be a whole number from 1 to %(limit)s.") % {"limit": MAX_LINE}
        )
    return order_number, line


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time())
    else:
        text = str(value or "").strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise DomainError(
                _("The date must look like 2026-07-31 or 2026-07-31 23:30.")
            ) from error
    # rules.md §0.6: a date outside the window is a slip (0001 would be stored BC).
    if not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
        raise DomainError(
            _("The date must lie between %(first)s and %(last)s.")
            % {"first": EARLIEST_DATE, "last": LATEST_DATE}
        )
    # Times in the order system are local (company time zone).
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class _Lookups:
    """Customers and salespeople of one import, fetched once (no query per line)."""

    def __init__(self, lines: list["ParsedLine"], by: User):
        names = {line.customer_name for line in lines}
        customers = Customer.objects.filter(
            name__in=names, territory__in=importable_territories(by)
        ).select_related("territory", "owner")
        self.customers: dict[str, Customer] = {}
        self.ambiguous: set[str] = set()
        for customer in customers:
            if customer.name in self.customers:
                self.ambiguous.add(customer.name)
            self.customers[customer.name] = customer
        usernames = {line.username for line in lines}
        sellers = User.objects.filter(
            access.sellers_q(), username__in=usernames, is_active=True
        ).prefetch_related("regions")
        self.sellers = {person.username: person for person in sellers}
        seller_ids = {person.pk for person in sellers} | {
            customer.owner_id for customer in customers if customer.owner_id
        }
        self.held_paths: dict[int, list[str]] = {}
        held = Assignment.objects.active().filter(salesperson_id__in=seller_ids)
        for person_id, path in held.values_list("salesperson_id", "territory__path"):
            self.held_paths.setdefault(person_id, []).append(path)
        self.approved_requests = set(
            CrossTerritoryRequest.objects.filter(
                requester_id__in=seller_ids,
                customer__in=customers,
                status=CrossTerritoryRequest.Status.APPROVED,
            ).values_list("requester_id", "customer_id")
        )

    def may_sell_to(self, salesperson: User, customer: Customer) -> bool:
        """rules.md §2.5: no selling across territory lines without an approved request."""
        paths = self.held_paths.get(salesperson.pk, [])
        return any(customer.territory.path.startswith(path) for path in paths) or (
            (salesperson.pk, customer.pk) in self.approved_requests
        )


# --- one line as read: its values, or the first thing wrong with them --------------------------


@dataclass(slots=True)
class ParsedLine:
    """A line's own values, checked without the database. `error` is the first thing wrong
    with the order number, line or amounts; `date_error` what is wrong with the date, which
    is reported only after the checks against customers and salespeople (the order of
    `_sale_from_line`, kept by the set-based checks of `sales.services.import_staged`)."""

    number: int
    customer_name: str
    customer_label: str
    username: str
    channel: str
    order_number: str = ""
    line: int = 0
    amount: Decimal | None = None
    gross_profit: Decimal | None = None
    sold_at: datetime | None = None
    month: date | None = None
    error: str | None = None
    date_error: str | None = None


def parse_line(number: int, row: dict) -> ParsedLine:
    """One file line (`number` counts the header as line 1) read into typed values."""
    row = _without_nul(row)
    parsed = ParsedLine(
        number=number,
        customer_name=str(row.get("customer") or "").strip(),
        customer_label=str(row.get("customer") or ""),
        username=str(row.get("salesperson") or "").strip(),
        channel=str(row.get("channel") or "").strip(),
    )
    try:
        parsed.order_number, parsed.line = _order_key(row)
        parsed.amount = _money(row.get("amount"), AMOUNT)
        parsed.gross_profit = _money(row.get("gross_profit"), GROSS_PROFIT)
        if parsed.amount < 0:
            raise DomainError(_("The amount cannot be negative."))
        if parsed.gross_profit > parsed.amount:
            raise DomainError(_("The gross profit cannot be above the amount."))
    except DomainError as error:
        parsed.error = str(error.message)
        return parsed
    try:
        parsed.sold_at = _moment(row.get("date"))
        parsed.month = month_of(parsed.sold_at)
    except DomainError as error:
        parsed.date_error = str(error.message)
    return parsed


# --- the messages of the checks that need the database (both ways of checking use them) ----


def several_customers_called(name: str) -> str:
    return _("Several customers are called “%(name)s”.") % {"name": name}


def unknown_customer(label: str) -> str:
    return _("Unknown customer “%(name)s”.") % {"name": label}


def unknown_salesperson(username: str) -> str:
    return _("Unknown salesperson “%(name)s”.") % {"name": username}


def outside_region(person: User) -> str:
    return _("%(person)s does not sell in the customer's region.") % {"person": person}


def outside_territories(customer: Customer, person: User) -> str:
    return _("%(customer)s is outside %(person)s's territories (no approved request).") % {
        "customer": customer,
        "person": person,
    }


def unknown_channel(channel: str) -> str:
    return _("Unknown channel “%(channel)s”.") % {"channel": channel}


def appears_twice(order_number: str, line: int) -> str:
    return _("Order line %(key)s appears twice.") % {"key": f"{order_number}/{line}"}


def _sale_from_line(parsed: ParsedLine, lookups: _Lookups) -> Sale:
    if parsed.error:
        raise DomainError(parsed.error)
    name = parsed.customer_name
    if name in lookups.ambiguous:
        raise DomainError(several_customers_called(name))
    customer = lookups.customers.get(name)
    if customer is None:
        raise DomainError(unknown_customer(parsed.customer_label))
    username = parsed.username
    salesperson = lookups.sellers.get(username) if username else customer.owner
    if salesperson is None:
        raise DomainError(unknown_salesperson(username))
    if customer.territory.region_id not in {region.pk for region in salesperson.regions.all()}:
        raise DomainError(outside_region(salesperson))
    if not lookups.may_sell_to(salesperson, customer):
        raise DomainError(outside_territories(customer, salesperson))
    channel = parsed.channel or customer.channel
    if channel not in Channel.values:
        raise DomainError(unknown_channel(channel))
    if parsed.date_error:
        raise DomainError(parsed.date_error)
    return Sale(
        order_number=parsed.order_number,
        line=parsed.line,
        sold_at=parsed.sold_at,
        month=parsed.month,
        customer=customer,
        salesperson=salesperson,
        territory=customer.territory,
        channel=channel,
        amount=parsed.amount,
        gross_profit=parsed.gross_profit,
    )


def _without_nul(row: dict) -> dict:
    """A NUL is never part of a value, and PostgreSQL refuses it even in a lookup."""
    return {
        key: value.replace("\x00", "") if isinstance(value, str) else value
        for key, value in row.items()
    }


def check_rows(
    rows: list[dict], *, by: User, progress=None
) -> tuple[list[Sale], list[tuple[int, str]]]:
    """Every line checked; errors carry the file's line number (the header is line 1).
    Lines are looked up CHECK_CHUNK at a time; `progress(lines_checked)` follows each chunk."""
    sales, errors, seen = [], [], set()
    for start in range(0, len(rows), CHECK_CHUNK):
        chunk = [
            parse_line(number, row)
            for number, row in enumerate(rows[start : start + CHECK_CHUNK], start=start + 2)
        ]
        lookups = _Lookups(chunk, by)
        for parsed in chunk:
            try:
                sale = _sale_from_line(parsed, lookups)
            except DomainError as error:
                errors.append((parsed.number, str(error.message)))
                continue
            key = (sale.order_number, sale.line)
            if key in seen:
                errors.append((parsed.number, appears_twice(*key)))
            seen.add(key)
            sales.append(sale)
        if progress is not None:
            progress(start + len(chunk))
    return sales, errors
