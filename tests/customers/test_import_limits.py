"""A prospect list with values the database cannot hold, or a file too large to read, is
refused at the preview with the line or the file named, never at the confirmed import and
never with a server error (rules.md §0.6, §3.5)."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers import import_lines, importing
from customers.models import Competitor, Customer, ImportBatch
from salesops.errors import DomainError

pytestmark = pytest.mark.django_db

HEADINGS = "客户名称,辖区,月需求(元),预计下单日期\n"


def _prepare(user, content, name="prospects.csv"):
    if isinstance(content, str):
        content = content.encode()
    return importing.prepare_import(content=content, file_name=name, by=user)


@pytest.mark.parametrize(
    ("demand", "message"),
    [
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("-Infinity", "is not a number"),
        ("sNaN", "is not a number"),
        ("1E+30", "cannot be above 999,999,999,999.99"),
        ("1E+13", "cannot be above 999,999,999,999.99"),
        ("999999999万", "cannot be above 999,999,999,999.99"),
    ],
)
def test_a_demand_the_column_cannot_hold_is_refused_at_the_preview(personas, demand, message):
    lines = f"好公司,330200,1000,\n坏公司,330200,{demand},\n"
    batch = _prepare(personas.salesperson, HEADINGS + lines)

    assert [error["line"] for error in batch.errors] == [3]
    assert message in batch.errors[0]["message"]
    assert not Customer.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_an_expected_order_date_outside_the_window_is_refused(personas, day):
    batch = _prepare(personas.salesperson, HEADINGS + f"坏公司,330200,,{day}\n")

    assert [error["line"] for error in batch.errors] == [2]
    assert "is not between 2000-01-01 and 2100-12-31" in batch.errors[0]["message"]


def test_a_csv_field_over_128_kb_is_refused_with_a_message(personas):
    text = HEADINGS + "好公司,330200,," + "x" * 200_000 + "\n"

    with pytest.raises(DomainError, match="cannot be read as CSV"):
        _prepare(personas.salesperson, text)


def test_a_nul_byte_in_a_csv_is_dropped_not_stored(personas):
    batch = _prepare(personas.salesperson, HEADINGS + "好\x00公司,330200,,\n")

    assert batch.rows[0]["name"] == "好公司"


def test_a_csv_longer_than_the_line_limit_is_refused(personas, monkeypatch):
    monkeypatch.setattr(import_lines, "MAX_LINES", 3)
    lines = "".join(f"公司{n},330200,,\n" for n in range(4))

    with pytest.raises(DomainError, match="more than 3 lines"):
        _prepare(personas.salesperson, HEADINGS + lines)


def _workbook(rows: int) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Name", "Territory"])
    for number in range(rows):
        sheet.append([f"Company {number}", "330200"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_longer_than_the_line_limit_is_refused(personas, monkeypatch):
    monkeypatch.setattr(import_lines, "MAX_LINES", 3)

    with pytest.raises(DomainError, match="more than 3 lines"):
        _prepare(personas.salesperson, _workbook(4), name="list.xlsx")


def test_a_workbook_at_the_line_limit_is_read(personas, monkeypatch):
    monkeypatch.setattr(import_lines, "MAX_LINES", 3)

    batch = _prepare(personas.salesperson, _workbook(3), name="list.xlsx")

    assert (batch.total, batch.errors) == (3, [])


def test_a_small_workbook_that_unpacks_to_too_much_is_refused_unread(personas):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 10_000_000)  # 60 MB of rows
    assert len(buffer.getvalue()) < 1024 * 1024

    with pytest.raises(DomainError, match="unpacks to more than 50 MB"):
        _prepare(personas.salesperson, buffer.getvalue(), name="list.xlsx")


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04 broken"])
def test_a_workbook_that_is_not_a_zip_is_refused_with_a_message(personas, content):
    with pytest.raises(DomainError, match="not a readable XLSX workbook"):
        _prepare(personas.salesperson, content, name="list.xlsx")


def _with_sheet_value(content: bytes, old: bytes, new: bytes) -> bytes:
    """The workbook with one stored cell value replaced (openpyxl cannot write infinity)."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry).replace(old, new))
    return target.getvalue()


def test_a_phone_stored_as_an_infinite_number_is_a_line_error(personas):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Territory", "Mobile"])
    workbook.active.append(["Company", "330200", 13900004444])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = _with_sheet_value(buffer.getvalue(), b"<v>13900004444</v>", b"<v>1E+999</v>")

    batch = _prepare(personas.salesperson, content, name="list.xlsx")

    assert [error["line"] for error in batch.errors] == [2]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("汉" * 201, "Competitor: Ensure this value has at most 200 characters"),
        ("汉高\x00", "Competitor: Null characters are not allowed."),
    ],
)
def test_a_competitor_name_the_registry_cannot_hold_is_refused_with_a_message(
    personas, login, name, message
):
    response = login(personas.salesperson).post(
        reverse("customers:competitors"), {"name": name}, follow=True
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Competitor.objects.exists()


def test_a_file_over_5_mb_is_refused_next_to_the_file_before_it_is_read(personas, login):
    upload = SimpleUploadedFile("list.csv", b"x" * (import_lines.MAX_FILE_BYTES + 1))

    response = login(personas.salesperson).post(reverse("customers:import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["The file is larger than 5 MB; split it."]
    assert not ImportBatch.objects.exists()
