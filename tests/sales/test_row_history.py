"""Row history of sales and quotas (architecture.md "The audit trail"): imports and the quota grid
write in bulk (upserts), which only the database's triggers see. A corrected sale keeps its
previous values beside the new ones."""

from decimal import Decimal

import pytest
from django.db import connection

from sales import tasks
from sales.models import DealerTarget, Quota, RegionQuota, Sale
from sales.services.quotas import save_quota_grid
from sales.services.sales import enter_sale, import_sales
from sales.services.sales_import_runs import start_sales_import
from salesops.models import JobRun
from salesops.months import add_months, current_month
from tests.customers.factories import CustomerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-history triggers need PostgreSQL"
    ),
]


def _row(amount: str) -> dict:
    return {
        "order_number": "SO-5001",
        "line": "1",
        "date": "2025-07-10 10:00",
        "customer": "杭州永固胶业",
        "salesperson": "li",
        "amount": amount,
        "gross_profit": "100",
    }


@pytest.fixture
def customer(personas):
    return CustomerFactory(
        name="杭州永固胶业", territory=personas.hangzhou, owner=personas.salesperson
    )


def test_a_corrected_sale_keeps_its_previous_value(personas, customer):
    import_sales(rows=[_row("1000")], by=personas.head_office, file_name="july.csv")
    import_sales(rows=[_row("1500")], by=personas.head_office, file_name="july-fixed.csv")

    sale = Sale.objects.get()
    history = list(sale.events.order_by("pgh_id").values_list("pgh_label", "amount"))
    assert history == [("insert", Decimal("1000.00")), ("update", Decimal("1500.00"))]


def test_importing_the_same_file_again_adds_no_history(personas, customer):
    import_sales(rows=[_row("1000")], by=personas.head_office, file_name="july.csv")
    import_sales(rows=[_row("1000")], by=personas.head_office, file_name="july.csv")

    assert Sale.objects.get().events.count() == 1


def test_a_sale_entered_by_hand_and_corrected_keeps_both_values(personas, customer):
    values = {key: value for key, value in _row("800").items() if key != "salesperson"}
    values["line"] = 1
    enter_sale(by=personas.head_office, salesperson=personas.salesperson, **values)
    enter_sale(
        by=personas.head_office, salesperson=personas.salesperson, **(values | {"amount": "180"})
    )

    amounts = Sale.objects.get().events.order_by("pgh_id").values_list("amount", flat=True)
    assert list(amounts) == [Decimal("800.00"), Decimal("180.00")]


def test_the_quota_grid_keeps_the_history_of_every_cell(personas):
    month = add_months(current_month(), 1)
    dealer = CustomerFactory(territory=personas.hangzhou, channel="dealer")
    key = (personas.salesperson.pk, month, "terminal")

    for amount in ("300000", "280000"):
        save_quota_grid(
            by=personas.director,
            region=personas.east,
            cells={key: Decimal(amount)},
            dealer_targets={(dealer.pk, month): Decimal(amount) / 4},
            region_totals={month: Decimal(amount) * 2},
        )

    quota = Quota.objects.get()
    assert list(quota.events.order_by("pgh_id").values_list("amount", flat=True)) == [
        Decimal("300000.00"),
        Decimal("280000.00"),
    ]
    assert DealerTarget.objects.get().events.count() == 2
    assert RegionQuota.objects.get().events.count() == 2


def test_every_connection_tells_the_history_triggers_to_skip_none():
    """Unset, the trigger guard raises and catches an error on every row (salesops/history.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore')")
        assert cursor.fetchone() == ("{}",)


def test_the_history_of_an_import_job_names_the_job_and_the_importer(personas, customer):
    content = (
        "order_number,line,date,customer,salesperson,amount,gross_profit\n"
        "SO-5001,1,2025-07-10 10:00,杭州永固胶业,li,1000,100\n"
    ).encode()
    record = start_sales_import(by=personas.head_office, file_name="july.csv", content=content)
    run = JobRun.objects.get(kind="sales.import")

    tasks.run_sales_import.apply(kwargs={"import_id": record.pk, "job_run": run.pk})

    event = Sale.objects.get().events.select_related("pgh_context").get()
    assert event.pgh_context.metadata == {
        "job": "sales.tasks.run_sales_import",
        "user": personas.head_office.pk,
    }
