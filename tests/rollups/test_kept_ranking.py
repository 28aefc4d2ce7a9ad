"""A ranking's ladder kept between requests (rollups.kept.kept_rows): used while nothing that
ranks customers changes, read again after any committed write that could move a ranking, and
never after a write that cannot (a visit, a contact). On PostgreSQL the version changes as the
writer commits: a writing transaction reads afresh until then, and holds no lock that another
writer of customers would wait for."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer
from rollups.kept import RANKING, kept_rows
from rollups.models import CellsVersion, CustomerValue
from salesops.models import CompanySettings
from salesops.months import current_month
from scorecards import value
from territories.models import Region, Territory
from tests.scorecards.factories import customer_of, make_visit, refresh_derived_tables
from tests.scorecards.test_value import _bought, _this_month

pytestmark = pytest.mark.django_db


def _version(cells: str) -> int | None:
    return CellsVersion.objects.filter(cells=cells).values_list("version", flat=True).first()


def _ranking(world):
    return value.analyse(value.value_scope(world.head_office)).ranking


def _cutoff_reads(world) -> int:
    """How many statements a fresh request's ranking runs over the customer values."""
    with CaptureQueriesContext(connection) as captured:
        _ranking(world)
    return sum('"rollups_customervalue"' in query["sql"] for query in captured)


def _committed() -> None:
    """What a commit does to the version, inside the test's transaction: PostgreSQL's deferred
    triggers run (SET CONSTRAINTS ALL IMMEDIATE); nothing on SQLite, whose triggers ran."""
    connection.check_constraints()


def _three_customers(world) -> list[Customer]:
    person = world.salesperson
    customers = [_bought(person, profit) for profit in ("300.00", "200.00", "100.00")]
    refresh_derived_tables(current_month())
    _committed()
    return customers


POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the version changes at commit on PostgreSQL alone"
)


def test_a_kept_threshold_is_used_until_a_gross_profit_moves(personas):
    first, *_rest = _three_customers(personas)
    assert _ranking(personas).threshold == Decimal("300.00")
    assert _cutoff_reads(personas) == 0

    CustomerValue.objects.filter(customer=first).update(gross_profit_12m=Decimal("50.00"))
    _committed()
    assert _cutoff_reads(personas) == 1
    assert _ranking(personas).threshold == Decimal("200.00")
    assert _cutoff_reads(personas) == 0


def _reads_of(captured, table: str) -> int:
    return sum(f'"{table}"' in query["sql"] for query in captured)


def test_the_ranking_version_rides_in_the_requests_settings_query(personas):
    _three_customers(personas)
    _ranking(personas)
    with CompanySettings.per_request(), CaptureQueriesContext(connection) as captured:
        assert _ranking(personas).threshold == Decimal("300.00")
        CompanySettings.current()  # held by the request from then on
    assert len(captured) == 1  # the settings with the version: the ladder was kept
    assert _reads_of(captured, "salesops_companysettings") == 1
    assert _reads_of(captured, "rollups_cellsversion") == 1


def test_a_request_holding_its_settings_reads_the_version_alone(personas):
    first, *_rest = _three_customers(personas)
    _ranking(personas)
    CustomerValue.objects.filter(customer=first).update(gross_profit_12m=Decimal("50.00"))
    _committed()
    with CompanySettings.per_request():
        CompanySettings.current()
        with CaptureQueriesContext(connection) as captured:
            assert _ranking(personas).threshold == Decimal("200.00")
    assert _reads_of(captured, "salesops_companysettings") == 0
    assert _reads_of(captured, "rollups_cellsversion") == 1
    assert _reads_of(captured, "rollups_customervalue") == 1  # the version moved: read again


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
    _committed()

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
    _committed()
    before = _version(RANKING)
    change(personas, unsold)
    _committed()
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


@POSTGRESQL_ONLY
def test_a_transaction_that_wrote_reads_afresh_until_it_commits(personas):
    first, *_rest = _three_customers(personas)
    _ranking(personas)
    CustomerValue.objects.filter(customer=first).update(gross_profit_12m=Decimal("50.00"))
    assert _ranking(personas).threshold == Decimal("200.00")  # its own write, seen
    assert _cutoff_reads(personas) == 1  # and nothing kept from it
    _committed()
    assert _cutoff_reads(personas) == 1
    assert _cutoff_reads(personas) == 0


@POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_long_writer_of_customers_holds_up_no_other(personas):
    """An import still running has renamed customers; a salesperson renaming another in the
    meantime is not made to wait for it (a second's lock timeout would fail the save)."""
    imported, theirs = (customer_of(personas.salesperson) for _ in range(2))
    renamed = []

    def rename_theirs():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                renamed.append(Customer.objects.filter(pk=theirs.pk).update(name="Renamed"))
        finally:
            connections.close_all()

    before = _version(RANKING)
    with transaction.atomic():
        Customer.objects.filter(pk=imported.pk).update(name="Imported")
        other = threading.Thread(target=rename_theirs)
        other.start()
        other.join()
        assert renamed == [1]
        after_theirs = _version(RANKING)
    after_both = _version(RANKING)
    assert len({before, after_theirs, after_both}) == 3  # each commit, a new version
