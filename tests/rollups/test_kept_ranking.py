"""A ranking's threshold, population and total kept between requests (rollups.kept.kept_rows):
used while nothing that ranks customers changes, read again after any write that could move a
ranking, and never after a write that cannot (a visit, a contact)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer
from rollups.kept import RANKING, _version, kept_rows
from rollups.models import CustomerValue
from salesops.months import current_month
from scorecards import value
from territories.models import Region, Territory
from tests.scorecards.factories import customer_of, make_visit, refresh_derived_tables
from tests.scorecards.test_value import _bought, _this_month

pytestmark = pytest.mark.django_db


def _ranking(world):
    return value.analyse(value.value_scope(world.head_office)).ranking


def _cutoff_reads(world) -> int:
    """How many statements a fresh request's ranking runs over the customer values."""
    with CaptureQueriesContext(connection) as captured:
        _ranking(world)
    return sum('"rollups_customervalue"' in query["sql"] for query in captured)


def _three_customers(world) -> list[Customer]:
    person = world.salesperson
    customers = [_bought(person, profit) for profit in ("300.00", "200.00", "100.00")]
    refresh_derived_tables(current_month())
    return customers


def test_a_kept_threshold_is_used_until_a_gross_profit_moves(personas):
    first, *_rest = _three_customers(personas)
    assert _ranking(personas).threshold == Decimal("300.00")
    assert _cutoff_reads(personas) == 0

    CustomerValue.objects.filter(customer=first).update(gross_profit_12m=Decimal("50.00"))
    assert _cutoff_reads(personas) == 1
    assert _ranking(personas).threshold == Decimal("200.00")


def test_a_logged_contact_leaves_the_ranking_kept(personas):
    first, *_rest = _three_customers(personas)
    _ranking(personas)
    before = _version(RANKING)
    Customer.objects.filter(pk=first.pk).update(last_contacted_at=timezone.now())
    assert _version(RANKING) == before
    assert _cutoff_reads(personas) == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's refresh deletes and writes every value row again (cell_sync.replace_cells)",
)
def test_a_logged_visit_leaves_the_ranking_kept(personas):
    first, *_rest = _three_customers(personas)
    _ranking(personas)
    before = _version(RANKING)
    make_visit(personas.salesperson, first, _this_month(2))
    refresh_derived_tables(current_month())  # the customer's visits and visit cost move

    assert CustomerValue.objects.get(customer=first).visits_12m == 1
    assert _version(RANKING) == before
    assert _cutoff_reads(personas) == 0


@pytest.mark.parametrize(
    "change",
    [
        lambda world, customer: Customer.objects.filter(pk=customer.pk).update(
            status=Customer.Status.PROSPECT
        ),
        lambda world, customer: Customer.objects.filter(pk=customer.pk).update(name="Renamed"),
        lambda world, customer: customer_of(world.salesperson, name="Newcomer"),
        lambda world, customer: Customer.objects.filter(pk=customer.pk).delete(),
        lambda world, customer: CustomerValue.objects.filter(
            customer__owner=world.salesperson
        ).delete(),
        lambda world, customer: Territory.objects.filter(pk=customer.territory_id).update(
            name_en="Renamed"
        ),
        lambda world, customer: Region.objects.filter(pk=world.east.pk).update(name_en="Renamed"),
        lambda world, customer: world.east.members.remove(world.manager),
    ],
    ids=[
        "status",
        "name",
        "new customer",
        "deleted customer",
        "deleted value",
        "territory",
        "region",
        "region member",
    ],
)
def test_every_write_that_could_move_a_ranking_gives_a_new_version(personas, change):
    _three_customers(personas)
    unsold = customer_of(personas.salesperson)  # one that may be deleted
    before = _version(RANKING)
    change(personas, unsold)
    assert _version(RANKING) not in (before, None)


def test_each_scope_keeps_its_own_threshold(personas):
    """The same statement for another user's scope is another statement: its own key."""
    _three_customers(personas)
    other = customer_of(personas.other_salesperson)
    refresh_derived_tables(current_month())
    company = _ranking(personas)
    theirs = value.analyse(value.value_scope(personas.other_salesperson)).ranking
    assert (company.population, company.threshold) == (4, Decimal("300.00"))
    assert (theirs.population, theirs.threshold) == (1, None)
    assert other.status == Customer.Status.CUSTOMER


def test_a_statement_reading_another_table_is_read_every_time(personas):
    _three_customers(personas)
    for _ in range(2):
        owners = Customer.objects.values("owner__username")  # reads the users' table
        with CaptureQueriesContext(connection) as captured:
            assert len(kept_rows(owners)) == 3
        assert len(captured) == 1  # the statement itself, no version read
