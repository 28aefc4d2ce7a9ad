"""Streamed CSV and XLSX exports, safe against spreadsheet formula injection.

CSV goes out row by row through a `StreamingHttpResponse`; XLSX is written by openpyxl's
write-only workbook, which keeps no rows in memory, to a temporary file on disk that is then
streamed: 100,000 rows never sit in memory either way.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

# A cell starting with one of these is run as a formula by Excel/WPS (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value):
    """Text that a spreadsheet would evaluate is prefixed with an apostrophe: shown, not run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, Decimal):
        return value  # numbers stay numbers (a negative amount is not a formula)
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (str, int, float, Decimal)) or hasattr(value, "isoformat"):
        return neutralise(value)
    return neutralise(str(value))  # lazy translations, model instances


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headers: list, rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel reads UTF-8 CSV with Chinese only with a BOM
    yield writer.writerow([str(header) for header in headers])
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def xlsx_file(headers: list, rows: Iterable[Iterable], *, title: str = "Sheet1"):
    """A temporary file holding the workbook, rewound; closing it removes it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(header) for header in headers])
    for row in rows:
        sheet.append([_cell(value) for value in row])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes (and so removes) it
    workbook.save(spool)
    spool.seek(0)
    return spool


def filename(name: str, file_format: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{name}-{stamp}.{file_format}"


def streamed(
    headers: list, rows: Iterable[Iterable], *, file_format: str, name: str, title: str = ""
):
    """The export as a download: CSV streamed line by line, XLSX streamed from disk."""
    if file_format == "xlsx":
        return FileResponse(
            xlsx_file(headers, rows, title=title or name),
            as_attachment=True,
            filename=filename(name, "xlsx"),
            content_type=CONTENT_TYPES["xlsx"],
        )
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename(name, "csv")}"'
    return response
