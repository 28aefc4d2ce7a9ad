"""Importing sales from the order system (rules.md §7.1): idempotent, all or nothing, by line."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer
from sales.models import Attainment, Sale
from sales.services.sales import SalesImportRefused, import_sales
from salesops.errors import DomainError
from salesops.models import AuditEntry
from tests.customers.factories import CustomerFactory
from tests.sales.factories import set_quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def prospect(personas):
    return CustomerFactory(
        name="杭州永固胶业", territory=personas.hangzhou, owner=personas.salesperson
    )


def _row(**overrides):
    row = {
        "order_number": "SO-1001",
        "line": "1",
        "date": "2025-07-31 23:30",
        "customer": "杭州永固胶业",
        "salesperson": "li",
        "amount": "120000.00",
        "gross_profit": "30000.00",
    }
    return row | overrides


def test_import_creates_sales_in_the_local_month(personas, prospect):
    result = import_sales(rows=[_row()], by=personas.head_office, file_name="july.csv")

    sale = Sale.objects.get()
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert sale.month == date(2025, 7, 1)  # 23:30 local on the 31st is still July
    assert sale.amount == Decimal("120000.00")
    assert sale.salesperson == personas.salesperson


def test_reimporting_the_same_file_changes_nothing(personas, prospect):
    rows = [_row(), _row(line="2", amount="5000", gross_profit="1000")]
    import_sales(rows=rows, by=personas.head_office, file_name="july.csv")
    before = list(Sale.objects.order_by("pk").values())

    result = import_sales(rows=rows, by=personas.head_office, file_name="july.csv")

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Sale.objects.order_by("pk").values()) == before


def test_a_corrected_line_replaces_the_old_one(personas, prospect):
    import_sales(rows=[_row()], by=personas.head_office, file_name="july.csv")

    result = import_sales(
        rows=[_row(amount="125000")], by=personas.head_office, file_name="fix.csv"
    )

    assert (result.created, result.updated) == (0, 1)
    assert Sale.objects.get().amount == Decimal("125000.00")


def test_first_sale_turns_a_prospect_into_a_customer(personas, prospect):
    import_sales(rows=[_row()], by=personas.head_office, file_name="july.csv")

    prospect.refresh_from_db()
    assert prospect.status == Customer.Status.CUSTOMER


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "-5"}, "cannot be negative"),
        ({"amount": "abc"}, "not a number"),
        ({"gross_profit": "130000"}, "above the amount"),
        ({"customer": "不存在的公司"}, "Unknown customer"),
        ({"salesperson": "ghost"}, "Unknown salesperson"),
        ({"salesperson": "lin"}, "does not sell in the customer's region"),
        ({"date": "31/07/2025"}, "The date must look like"),
        ({"order_number": ""}, "order number is missing"),
    ],
)
def test_a_bad_line_is_reported_by_number_and_nothing_is_imported(
    personas, prospect, overrides, message
):
    rows = [_row(order_number="SO-0"), _row(**overrides)]

    with pytest.raises(SalesImportRefused) as refusal:
        import_sales(rows=rows, by=personas.head_office, file_name="bad.csv")

    [(line, text)] = refusal.value.errors
    assert line == 3
    assert message in text
    assert not Sale.objects.exists()
    assert not AuditEntry.objects.filter(action="customers.sales.imported").exists()


def test_sale_outside_the_salespersons_territories_is_refused(personas):
    CustomerFactory(name="南京金陵木业", territory=personas.jiangsu, owner=personas.colleague)

    with pytest.raises(SalesImportRefused) as refusal:
        import_sales(
            rows=[_row(customer="南京金陵木业")], by=personas.head_office, file_name="x.csv"
        )

    assert "outside" in refusal.value.errors[0][1]


def test_approved_cross_territory_request_allows_the_sale(personas):
    from territories.models import CrossTerritoryRequest

    customer = CustomerFactory(
        name="南京金陵木业", territory=personas.jiangsu, owner=personas.colleague
    )
    CrossTerritoryRequest.objects.create(
        requester=personas.salesperson,
        customer=customer,
        reason="Head office in Hangzhou",
        status=CrossTerritoryRequest.Status.APPROVED,
    )

    import_sales(rows=[_row(customer="南京金陵木业")], by=personas.head_office, file_name="x.csv")

    assert Sale.objects.get().customer == customer


def test_customer_name_shared_by_two_customers_is_refused(personas, prospect):
    CustomerFactory(name="杭州永固胶业", territory=personas.ningbo, owner=personas.salesperson)

    with pytest.raises(SalesImportRefused) as refusal:
        import_sales(rows=[_row()], by=personas.head_office, file_name="x.csv")

    assert "Several customers" in refusal.value.errors[0][1]


def test_xlsx_file_is_read_like_csv(personas, prospect):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from sales.sale_lines import read_rows

    workbook = Workbook()
    sheet = workbook.active
    row = _row()
    sheet.append(list(row))
    local_time = datetime(2025, 7, 31, 23, 30)  # noqa: DTZ001 - spreadsheets hold local time
    sheet.append([*list(row.values())[:2], local_time, *list(row.values())[3:]])
    content = BytesIO()
    workbook.save(content)

    rows, _checksum = read_rows(SimpleUploadedFile("july.xlsx", content.getvalue()))
    import_sales(rows=rows, by=personas.head_office, file_name="july.xlsx")

    assert Sale.objects.get().month == date(2025, 7, 1)


def test_a_line_repeated_in_one_file_is_refused(personas, prospect):
    with pytest.raises(SalesImportRefused) as refusal:
        import_sales(rows=[_row(), _row()], by=personas.head_office, file_name="dup.csv")

    assert refusal.value.errors[0][0] == 3


def test_a_regional_manager_cannot_import(personas, prospect):
    # rules.md §7.1: sales come in through head office (tests/sales/test_sale_entry.py).
    with pytest.raises(DomainError, match="Only head office"):
        import_sales(rows=[_row()], by=personas.manager, file_name="x.csv")


def test_salesperson_cannot_import(personas, prospect):
    with pytest.raises(DomainError):
        import_sales(rows=[_row()], by=personas.salesperson, file_name="x.csv")


def test_import_rescores_the_months_it_touched(
    personas, prospect, django_capture_on_commit_callbacks
):
    set_quota(personas.salesperson, date(2025, 7, 1), "375000")

    with django_capture_on_commit_callbacks(execute=True):
        import_sales(rows=[_row()], by=personas.head_office, file_name="july.csv")

    july = Attainment.objects.get(salesperson=personas.salesperson, month=date(2025, 7, 1))
    assert july.sales == Decimal("120000.00")


def test_import_rescores_only_the_salesperson_whose_lines_changed(
    personas, prospect, django_capture_on_commit_callbacks
):
    from sales.scoring import score_period
    from salesops.models import JobRun

    july = date(2025, 7, 1)
    for person in (personas.salesperson, personas.colleague):
        set_quota(person, july, "375000")
    score_period(july)
    colleague_scored_at = Attainment.objects.get(salesperson=personas.colleague, month=july)

    with django_capture_on_commit_callbacks(execute=True):
        import_sales(rows=[_row()], by=personas.head_office, file_name="july.csv")

    job = JobRun.objects.get(kind="sales.score_months")
    assert job.scope_key.startswith("2025-07-01..2025-07-01 ")
    mine = Attainment.objects.get(salesperson=personas.salesperson, month=july)
    theirs = Attainment.objects.get(salesperson=personas.colleague, month=july)
    assert mine.sales == Decimal("120000.00")
    assert theirs.computed_at == colleague_scored_at.computed_at
    assert (mine.region_rank, theirs.region_rank) == (1, 2)


def test_a_corrected_line_names_its_customers_before_and_after_to_the_region_rollup(
    personas, prospect
):
    from rollups.tasks import refresh_sales
    from salesops.models import JobRun

    other = CustomerFactory(
        name="宁波海曙五金", territory=personas.hangzhou, owner=personas.salesperson
    )
    import_sales(rows=[_row()], by=personas.head_office, file_name="july.csv")
    JobRun.objects.all().delete()

    import_sales(rows=[_row(customer="宁波海曙五金")], by=personas.head_office, file_name="fix.csv")

    job = JobRun.objects.get(kind=refresh_sales.name)
    assert job.arguments == {
        "first_month": "2025-07-01",
        "last_month": "2025-07-01",
        "customer_ids": sorted([prospect.pk, other.pk]),
    }


def test_import_writes_in_a_constant_number_of_queries(personas, prospect):
    def queries_for(lines: int, batch: str) -> int:
        rows = [_row(order_number=f"{batch}-{n}") for n in range(lines)]
        with CaptureQueriesContext(connection) as queries:
            import_sales(rows=rows, by=personas.head_office, file_name=f"{batch}.csv")
        return len(queries)

    # The first import also turns the prospect into a customer (rules.md §3.1) and fills the
    # content-type cache; after it, the same count for 5 lines as for 200: nothing is read or
    # written per line (the jobs' ledger rows included: one per job the import starts). Fifty
    # lines fit one insert on SQLite too, which splits statements at 999 parameters.
    queries_for(1, "W")
    assert queries_for(5, "A") == queries_for(50, "B") <= 30
    assert Sale.objects.count() == 56
