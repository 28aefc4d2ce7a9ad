"""The 80/20's counts of its marks kept between requests (rollups.kept.kept_marks): used while
nothing they read changes, read again after any committed write to the customers or the rates,
always equal to the counts read afresh, and moving with the clock for the no-contact alert:
kept until the cut-off passes the next candidate's last touch."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import Customer, CustomerClass
from rollups.kept import MARKS, RANKING
from rollups.models import CellsVersion, VisitorRate
from salesops.months import current_month
from scorecards import value
from tests.expenses.factories import approved_claim
from tests.scorecards.factories import customer_of, make_visit, refresh_derived_tables
from tests.scorecards.test_value import _bought, _this_month

pytestmark = pytest.mark.django_db

marks_version = import_module("rollups.migrations.0022_marks_version")


def _version(cells: str) -> int | None:
    return CellsVersion.objects.filter(cells=cells).values_list("version", flat=True).first()


def _committed() -> None:
    """What a commit does to the versions inside the test's transaction: PostgreSQL's deferred
    triggers run; nothing on SQLite, whose triggers ran."""
    connection.check_constraints()


def _book(world) -> dict[str, Customer]:
    """A salesperson's book with one customer of each mark: a top customer, a class-A
    customer nobody has touched for a year, and one whose six visits cost 60% of its profit.
    The two that were visited were last contacted just now, not on the day of their visits:
    otherwise the top customer would carry the alert too, once the month is older than the
    alert's days."""
    person = world.salesperson
    top = _bought(person, "100000")
    costly = _bought(person, "1000")
    quiet = _quiet_customer(person)
    for customer in [costly] * 6 + [top] * 4:
        make_visit(person, customer, _this_month(1))
    approved_claim(person, current_month(), amounts=["1000"])  # 100 a visit
    refresh_derived_tables(current_month())
    Customer.objects.filter(pk__in=[top.pk, costly.pk]).update(last_contacted_at=timezone.now())
    _committed()
    return {"top": top, "costly": costly, "quiet": quiet}


def _quiet_customer(person) -> Customer:
    """A class-A customer taken on a year ago and never contacted since."""
    quiet = customer_of(person, customer_class=CustomerClass.A)
    year_ago = timezone.now() - timedelta(days=365)
    Customer.objects.filter(pk=quiet.pk).update(created_at=year_ago)
    return quiet


def _scope(world):
    """The salesperson's book as the 80/20 page reads it, with each customer's owner and
    territory selected."""
    return value.value_scope(world.salesperson)


def _counts(world, **kwargs) -> tuple[dict[str, int], int]:
    """The counts a fresh request reads, and how many of its statements read the customers."""
    analysis = value.analyse(_scope(world), **kwargs)
    with CaptureQueriesContext(connection) as captured:
        counts = value.alert_counts(analysis)
    return counts, sum('"customers_customer"' in query["sql"] for query in captured)


def _afresh(world, **kwargs) -> dict[str, int]:
    analysis = value.analyse(_scope(world), **kwargs)
    conditions = analysis.conditions
    return {which: analysis.copied.filter(conditions[which]).count() for which in value.FILTERS}


def test_the_counts_are_read_once_and_kept(personas):
    _book(personas)
    first, reads = _counts(personas)
    assert first == {value.FILTER_TOP: 1, value.FILTER_HANDOFF: 1, value.FILTER_ALERT: 1}
    assert reads == 1  # the three counts and the next candidate's touch, in one statement
    assert _counts(personas) == (first, 0)
    assert first == _afresh(personas)


@pytest.mark.parametrize(
    "change",
    [
        lambda book: Customer.objects.filter(pk=book["quiet"].pk).update(
            last_contacted_at=timezone.now()
        ),
        lambda book: Customer.objects.filter(pk=book["quiet"].pk).update(
            customer_class=CustomerClass.B
        ),
        lambda book: Customer.objects.filter(pk=book["costly"].pk).update(value_visits=1),
        lambda book: VisitorRate.objects.update(cost_per_visit=Decimal("1")),
        lambda book: _quiet_customer(book["top"].owner),
        lambda book: Customer.objects.filter(pk=book["quiet"].pk).delete(),
    ],
    ids=["contact", "class", "copied value", "rate", "new customer", "deleted customer"],
)
def test_every_write_the_marks_read_gives_a_new_version_and_fresh_counts(personas, change):
    book = _book(personas)
    kept, _reads = _counts(personas)
    before = _version(MARKS), _version(RANKING)
    change(book)
    _committed()
    assert _version(MARKS) not in (before[0], None)
    counts, reads = _counts(personas)
    assert reads == 1
    assert counts == _afresh(personas)
    assert counts != kept


def test_the_alert_follows_the_clock_without_a_read(personas):
    book = _book(personas)
    days = value.analyse(_scope(personas)).settings.no_contact_alert_days
    # Both candidates, the top customer and the class-A one, last touched at noon today.
    touched = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    candidates = Customer.objects.filter(pk__in=[book["top"].pk, book["quiet"].pk])
    candidates.update(last_contacted_at=touched)
    _committed()

    def cut_off_after(hours: float) -> datetime:
        """The moment whose cut-off is `hours` after the candidates' touch."""
        return touched + timedelta(days=days, hours=hours)

    first = cut_off_after(-1)
    assert _counts(personas, now=first) == (_afresh(personas, now=first), 1)
    assert _afresh(personas, now=first)[value.FILTER_ALERT] == 0
    counts, reads = _counts(personas, now=cut_off_after(-0.5))  # before the next touch: kept
    assert (counts[value.FILTER_ALERT], reads) == (0, 0)

    past = cut_off_after(1)  # past the candidates' touch: read again
    counts, reads = _counts(personas, now=past)
    assert (counts[value.FILTER_ALERT], reads) == (2, 1)
    assert counts == _afresh(personas, now=past)
    later = cut_off_after(24 * 3)  # no candidate's touch is later: kept from then on
    assert _counts(personas, now=later) == (_afresh(personas, now=later), 0)


def test_a_scope_reading_another_table_is_counted_every_time(personas):
    _book(personas)
    analysis = value.analyse(Customer.objects.filter(owner__username=personas.salesperson))
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            value.alert_counts(analysis)
        assert sum('"customers_customer"' in query["sql"] for query in captured) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers, one per write")
def test_every_marks_trigger_is_in_place():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    assert {name for name, _create in marks_version.sqlite_triggers()} <= present


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the version changes at commit on PostgreSQL alone"
)
def test_a_transaction_that_wrote_counts_afresh_until_it_commits(personas):
    book = _book(personas)
    _counts(personas)
    Customer.objects.filter(pk=book["quiet"].pk).update(last_contacted_at=timezone.now())
    counts, reads = _counts(personas)
    assert (counts[value.FILTER_ALERT], reads) == (0, 1)  # its own write, seen, not kept
    assert _counts(personas)[1] == 1
    _committed()
    assert _counts(personas)[1] == 1
    assert _counts(personas) == (counts, 0)
