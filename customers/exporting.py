"""Exports of any filtered list to CSV and XLSX, safe against spreadsheet formula injection."""

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# The formula-safe cell rule is the kernel's, shared with the streamed exports.
from salesops.exporting import CONTENT_TYPES, FORMULA_STARTS, neutralise  # noqa: F401

MAX_EXPORT_ROWS = 100_000


def dataset(headers: list[str], rows) -> tablib.Dataset:
    data = tablib.Dataset(headers=[str(header) for header in headers])
    for row in rows:
        data.append([neutralise(value) for value in row])
    return data


def _local_date(moment):
    # Spreadsheets have no time zones: the day in the company's time zone.
    return timezone.localtime(moment).date() if moment else None


def customer_rows(customers):
    """The customer list as the page filtered it: headers, and a generator of one row per
    customer read in chunks, so the streamed export never holds the whole list."""
    headers = [
        _("Customer name"),
        _("Status"),
        _("Channel"),
        _("Class"),
        _("Territory"),
        _("Owner"),
        _("Phone"),
        _("Address"),
        _("Estimated monthly demand (CNY)"),
        _("Expected order date"),
        _("Current supplier or brand"),
        _("Price they pay"),
        _("Next follow-up"),
    ]
    rows = (
        (
            customer.name,
            customer.get_status_display(),
            customer.get_channel_display(),
            customer.customer_class,
            str(customer.territory),
            str(customer.owner or ""),
            customer.phone,
            customer.address,
            customer.estimated_monthly_demand,
            customer.expected_order_date,
            customer.current_supplier,
            customer.current_price,
            _local_date(customer.next_follow_up_at),
        )
        for customer in customers.iterator(chunk_size=2000)
    )
    return headers, rows


def response(data: tablib.Dataset, *, file_format: str, name: str) -> HttpResponse:
    file_format = file_format if file_format in CONTENT_TYPES else "csv"
    content = data.export(file_format)
    if file_format == "csv":
        content = "\ufeff" + content  # Excel reads UTF-8 CSV with Chinese only with a BOM
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    reply = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    reply["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{file_format}"'
    return reply
