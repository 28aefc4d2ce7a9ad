"""The sales import as a background job (issue 13, item 8): the file is stored and its limits
checked before anything is parsed; the worker checks the lines with progress and writes them
in one transaction; a second run of the job changes nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sales import sale_lines, tasks
from sales.models import Sale, SalesImport
from sales.services import sales as services
from sales.services.sales_import_runs import start_sales_import
from salesops.models import JobRun
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = "order_number,line,date,customer,salesperson,amount,gross_profit\n"


@pytest.fixture
def customer(personas):
    return CustomerFactory(
        name="宁波永固胶业", territory=personas.ningbo, owner=personas.salesperson
    )


def _csv(lines: int) -> bytes:
    body = "".join(f"SO-{n},1,2025-07-10 10:00,宁波永固胶业,li,1000,200\n" for n in range(lines))
    return (HEADER + body).encode()


def _post(client, name: str, content: bytes):
    return client.post(reverse("sales:import"), {"file": SimpleUploadedFile(name, content)})


def test_the_upload_is_queued_and_imported_by_the_job(
    personas, customer, login, django_capture_on_commit_callbacks
):
    client = login(personas.head_office)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _post(client, "july.csv", _csv(3))

    record = SalesImport.objects.get()
    assert (record.status, Sale.objects.count()) == ("queued", 0)  # the page answered first
    assert response.url == reverse("sales:import") + f"?job={record.pk}"
    assert 'data-job-status="queued"' in client.get(response.url).content.decode()
    assert JobRun.objects.get(kind="sales.import").scope_key == str(record.pk)

    for callback in queued:  # the worker's turn
        callback()

    record.refresh_from_db()
    assert (record.status, record.done, record.total, record.created) == ("done", 3, 3, 3)
    assert bytes(record.content) == b""  # the stored file goes once it is imported
    page = client.get(response.url).content.decode()
    assert "3 lines checked and imported." in page
    assert "3 new, 0 corrected, 0 unchanged." in page


def test_running_the_job_again_changes_nothing(personas, customer):
    record = start_sales_import(by=personas.head_office, file_name="july.csv", content=_csv(4))
    assert services.run_sales_import(import_id=record.pk) == 4
    SalesImport.objects.filter(pk=record.pk).update(status="running")  # as if it came back

    assert services.run_sales_import(import_id=record.pk) == 0
    assert Sale.objects.count() == 4


def test_bad_lines_end_the_job_failed_with_each_line_number(
    personas, customer, login, django_capture_on_commit_callbacks
):
    content = _csv(2) + "SO-9,1,2025-07-11 10:00,宁波永固胶业,li,-5,0\n".encode()
    client = login(personas.head_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "july.csv", content)

    record = SalesImport.objects.get()
    assert record.status == "failed"
    assert record.errors == [{"line": 4, "message": "The amount cannot be negative."}]
    assert not Sale.objects.exists()
    page = client.get(response.url).content.decode()
    assert 'id="import-errors"' in page and "cannot be negative" in page


def _form_errors(response) -> str:
    return str(response.context["form"].errors.get("file"))


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(personas, login, monkeypatch):
    monkeypatch.setattr("sales.forms.sales.MAX_FILE_BYTES", 1000)
    response = _post(login(personas.head_office), "big.csv", _csv(40))

    assert response.status_code == 200
    assert "larger than" in _form_errors(response)
    assert not SalesImport.objects.exists()


def test_a_file_above_the_line_limit_is_refused(personas, login, monkeypatch):
    monkeypatch.setattr(sale_lines, "MAX_LINES", 10)
    response = _post(login(personas.head_office), "long.csv", _csv(11))

    assert "more than 10 lines" in _form_errors(response)
    assert not SalesImport.objects.exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_parsing(
    personas, login, monkeypatch
):
    monkeypatch.setattr(sale_lines, "MAX_XLSX_UNPACKED_BYTES", 1_000_000)
    bomb = _zip({"xl/worksheets/sheet1.xml": b"0" * 2_000_000})  # a few kB on the wire
    assert len(bomb) < 20_000

    response = _post(login(personas.head_office), "bomb.xlsx", bomb)

    assert "unpacks to more than" in _form_errors(response)


def test_a_workbook_with_too_many_parts_is_refused(personas, login, monkeypatch):
    monkeypatch.setattr(sale_lines, "MAX_XLSX_ENTRIES", 5)
    many = _zip({f"xl/part{n}.xml": b"<x/>" for n in range(6)})

    response = _post(login(personas.head_office), "many.xlsx", many)

    assert "more than 5 parts" in _form_errors(response)


def test_a_file_that_is_not_a_workbook_is_refused(personas, login):
    response = _post(login(personas.head_office), "july.xlsx", b"order_number,line\n")
    assert "not a readable XLSX" in _form_errors(response)


def test_the_limits_are_checked_again_by_the_service(personas, monkeypatch):
    monkeypatch.setattr(sale_lines, "MAX_LINES", 2)
    with pytest.raises(services.DomainError):
        start_sales_import(by=personas.head_office, file_name="x.csv", content=_csv(3))


def test_a_line_count_of_a_workbook_is_counted_as_read(personas, customer, monkeypatch):
    from openpyxl import Workbook

    sheet_book = Workbook()
    sheet = sheet_book.active
    sheet.append(["order_number", "line", "date", "customer", "salesperson", "amount"])
    for n in range(4):
        sheet.append([f"SO-{n}", 1, "2025-07-10", "宁波永固胶业", "li", 1000])
    content = io.BytesIO()
    sheet_book.save(content)
    monkeypatch.setattr(sale_lines, "MAX_LINES", 3)

    with pytest.raises(services.DomainError, match="more than 3 lines"):
        sale_lines.read_content(content.getvalue(), "july.xlsx")


def _page_queries(client, record) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("sales:import") + f"?job={record.pk}").status_code == 200
    return len(queries)


def test_the_import_page_reads_the_same_whatever_the_number_of_imports(personas, login):
    client = login(personas.head_office)
    record = SalesImport.objects.create(
        file_name="a.csv", checksum="x", imported_by=personas.head_office, status="done"
    )
    few = _page_queries(client, record)
    SalesImport.objects.bulk_create(
        SalesImport(file_name=f"{n}.csv", checksum="x", imported_by=personas.head_office)
        for n in range(30)
    )
    assert _page_queries(client, record) == few


def test_an_import_that_keeps_crashing_ends_failed_on_its_last_attempt(
    personas, customer, settings, monkeypatch
):
    settings.JOB_MAX_ATTEMPTS = 2
    record = start_sales_import(by=personas.head_office, file_name="j.csv", content=_csv(2))
    run = JobRun.objects.get(kind="sales.import")

    def crash(*args, **kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(services, "_write_job", crash)
    for attempt in (1, 2):
        with pytest.raises(ConnectionError):
            tasks.run_sales_import.apply(kwargs={"import_id": record.pk, "job_run": run.pk})
        record.refresh_from_db()
        assert record.status == ("running" if attempt == 1 else "failed")
    run.refresh_from_db()
    assert (run.state, run.attempts) == ("failed", 2)
    stopped = "The import stopped; upload the file again."
    assert record.errors == [{"line": None, "message": stopped}]
