"""Reads of the sales cells kept between requests (rollups.kept): used while the cells stay as
they are, read again after any write to them, whoever writes, rolled back or not."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from rollups import building
from rollups.kept import sales_cells_version
from rollups.levels import Level
from rollups.models import SalesCell
from rollups.selectors import monthly_figures, value_split
from tests.rollups import factories

pytestmark = pytest.mark.django_db
MONTH = date(2026, 3, 1)


def _sold(world, amount, *, gross_profit=None):
    customer = factories.customer_in(world.xihu, world.salesperson)
    factories.sale(customer, world.salesperson, MONTH, amount, gross_profit=gross_profit)
    building.refresh_months(MONTH, MONTH)
    return customer


def _company(world) -> Level:
    return Level("company", MONTH, [world.east, world.south])  # a new level: a new request


def _sales(world) -> Decimal:
    return monthly_figures(_company(world))[MONTH].sales


def _cell_reads(read) -> int:
    with CaptureQueriesContext(connection) as captured:
        read()
    return sum('"rollups_salescell"' in query["sql"] for query in captured)


def test_every_kind_of_write_to_the_sales_cells_gives_them_a_new_version(personas):
    customer = _sold(personas, 1000)
    versions = [sales_cells_version()]
    SalesCell.objects.filter(customer=customer).update(amount=Decimal("900.00"))
    versions.append(sales_cells_version())
    SalesCell.objects.filter(customer=customer).delete()
    versions.append(sales_cells_version())
    assert None not in versions
    assert len(set(versions)) == 3


def test_a_kept_read_is_used_until_the_cells_change(personas):
    _sold(personas, 1000)
    assert _sales(personas) == Decimal("1000.00")
    assert _cell_reads(lambda: _sales(personas)) == 0  # kept: the cells did not change

    _sold(personas, 250)  # a new sale, through the rollup's own refresh
    assert _cell_reads(lambda: _sales(personas)) == 1
    assert _sales(personas) == Decimal("1250.00")


def test_a_change_made_by_hand_is_seen_at_the_next_read(personas):
    customer = _sold(personas, 1000)
    assert _sales(personas) == Decimal("1000.00")
    SalesCell.objects.filter(customer=customer).update(amount=Decimal("10.00"))
    assert _sales(personas) == Decimal("10.00")


def test_a_read_kept_inside_a_rolled_back_change_is_never_used_again(personas):
    _sold(personas, 1000)
    seen_inside = _sales_in_a_change_undone(personas, Decimal("1.00"))
    assert seen_inside == Decimal("1.00")  # and kept, with the change's version
    assert _sales(personas) == Decimal("1000.00")
    SalesCell.objects.update(amount=Decimal("2.00"))  # a later change, another version
    assert _sales(personas) == Decimal("2.00")


def _sales_in_a_change_undone(world, amount: Decimal) -> Decimal:
    """The sales read after setting every cell to `amount`, in a change then rolled back."""
    savepoint = transaction.savepoint()
    SalesCell.objects.update(amount=amount)
    seen = _sales(world)
    transaction.savepoint_rollback(savepoint)
    return seen


def test_each_level_keeps_its_own_reads(personas):
    """A director's company is their regions: their read is not head office's."""
    world = personas
    _sold(world, 1000, gross_profit="400.00")
    southern = factories.customer_in(world.shenzhen, world.other_salesperson)
    factories.sale(southern, world.other_salesperson, MONTH, 500, gross_profit="100.00")
    building.refresh_months(MONTH, MONTH)

    both = value_split(_company(world))
    east = value_split(Level("company", MONTH, [world.east]))
    assert (both.customers, both.gross_profit) == (2, Decimal("500.00"))
    assert (east.customers, east.gross_profit) == (1, Decimal("400.00"))
    assert value_split(_company(world)) == both
