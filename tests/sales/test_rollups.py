"""The sales rollup: kept up to date by the import, equal to a rebuild from the sales."""

from datetime import date
from decimal import Decimal

import pytest

from sales.models import Sale, SalesRollup
from sales.sales_rollup import rebuild_sales_rollup, refresh_sales_rollup
from sales.services.sales import import_sales
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

JULY, AUGUST = date(2025, 7, 1), date(2025, 8, 1)


def _cells():
    return sorted(
        SalesRollup.objects.values_list(
            "month", "salesperson_id", "territory_id", "channel", "amount", "gross_profit", "lines"
        )
    )


def _row(number, day, amount, salesperson="li"):
    return {
        "order_number": f"SO-{number}",
        "line": "1",
        "date": f"2025-{day} 10:00",
        "customer": "杭州永固胶业",
        "salesperson": salesperson,
        "amount": amount,
        "gross_profit": "100",
    }


@pytest.fixture
def customer(personas):
    return CustomerFactory(
        name="杭州永固胶业", territory=personas.hangzhou, owner=personas.salesperson
    )


def test_import_keeps_the_rollup_equal_to_a_rebuild(personas, customer):
    by = personas.head_office
    import_sales(rows=[_row(1, "07-03", "1000"), _row(2, "07-09", "500")], by=by, file_name="a")
    # A correction moves a line into August: both months' cells change.
    import_sales(rows=[_row(2, "08-01", "700")], by=by, file_name="b")
    incremental = _cells()

    rebuild_sales_rollup(JULY, AUGUST)

    assert _cells() == incremental
    assert [(cell[0], cell[4], cell[6]) for cell in incremental] == [
        (JULY, Decimal("1000.00"), 1),
        (AUGUST, Decimal("700.00"), 1),
    ]


def test_reimport_leaves_the_rollup_unchanged(personas, customer):
    rows = [_row(1, "07-03", "1000")]
    import_sales(rows=rows, by=personas.head_office, file_name="a")
    before = _cells()

    import_sales(rows=rows, by=personas.head_office, file_name="a")

    assert _cells() == before


def test_rebuild_of_an_up_to_date_rollup_writes_nothing(personas, customer):
    import_sales(rows=[_row(1, "07-03", "1000")], by=personas.head_office, file_name="a")
    before = _cells()

    written = rebuild_sales_rollup(JULY, AUGUST)

    assert (written, _cells()) == (0, before)


def test_rebuild_writes_the_changed_cell_and_removes_the_cell_whose_sales_are_gone(
    personas, customer
):
    rows = [_row(1, "07-03", "1000"), _row(2, "08-09", "500")]
    import_sales(rows=rows, by=personas.head_office, file_name="a")
    Sale.objects.filter(order_number="SO-1").update(amount=Decimal("1200"))
    Sale.objects.filter(order_number="SO-2").delete()

    written = rebuild_sales_rollup(JULY, AUGUST)

    assert written == 2
    assert [(cell[0], cell[4], cell[6]) for cell in _cells()] == [(JULY, Decimal("1200.00"), 1)]


def test_a_refresh_brings_up_to_date_exactly_the_pairs_it_names(personas, customer):
    """The pairs are grouped by month (one array of salespeople each): a pair named is brought
    up to date, the same salesperson's other month and another salesperson's are not."""
    rows = [_row(1, "07-03", "1000"), _row(2, "08-09", "500")]
    import_sales(rows=rows, by=personas.head_office, file_name="a")
    Sale.objects.update(amount=Decimal("900"))  # behind the rollup's back: no refresh queued
    li, zhang = personas.salesperson.pk, personas.colleague.pk

    refresh_sales_rollup({(li, JULY), (zhang, JULY), (zhang, AUGUST)})
    one_named = [(cell[0], cell[4]) for cell in _cells()]
    refresh_sales_rollup({(li, JULY), (li, AUGUST)})

    assert one_named == [(JULY, Decimal("900.00")), (AUGUST, Decimal("500.00"))]
    assert [(cell[0], cell[4]) for cell in _cells()] == [
        (JULY, Decimal("900.00")),
        (AUGUST, Decimal("900.00")),
    ]
