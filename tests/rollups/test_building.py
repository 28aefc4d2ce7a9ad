"""Filling the region rollup: totals equal the raw lines to the cent at every level, the
incremental refresh equals the nightly rebuild, and the jobs are idempotent."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from customers.models import Channel, Customer
from rollups import building, tasks
from rollups.levels import Level
from rollups.models import (
    ActivityCell,
    BlankCity,
    ChangedVisit,
    ClassCell,
    CompetitorCell,
    CustomerValue,
    CustomerVisitCell,
    SalesCell,
)
from rollups.selectors import children, monthly_figures, ratio, value_split
from sales.models import Sale
from sales.services.sales import import_sales
from salesops.months import add_months, current_month
from territories.models import Territory
from tests.rollups import factories
from tests.sales.factories import local

MONTH = add_months(current_month(), -1)
CELL_TABLES = (
    SalesCell,
    ActivityCell,
    CustomerVisitCell,
    ClassCell,
    CompetitorCell,
    BlankCity,
    CustomerValue,
)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)
sales_lists = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(-2, 0), amounts),
    min_size=1,
    max_size=25,
)


def _raw(**where) -> Decimal:
    return Sale.objects.filter(**where).aggregate(total=Sum("amount"))["total"] or Decimal(0)


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported unshrunk
)
@given(lines=sales_lists)
def test_every_level_adds_up_to_the_raw_lines_to_the_cent(personas, lines):
    Sale.objects.all().delete()
    world = personas
    places = [
        (world.salesperson, world.xihu),
        (world.salesperson, world.ningbo),
        (world.colleague, world.jiangsu),
        (world.other_salesperson, world.shenzhen),
    ]
    channels = [Channel.TERMINAL_LARGE, Channel.DEALER, Channel.DIRECT_STORE]
    customers = {}
    for place, channel, offset, amount in lines:
        person, territory = places[place]
        key = (place, channel)
        if key not in customers:
            customers[key] = factories.customer_in(territory, person, channel=channels[channel])
        factories.sale(customers[key], person, add_months(MONTH, offset), amount)
    building.refresh_months(add_months(MONTH, -2), MONTH)
    regions = [world.east, world.south]
    for month in (add_months(MONTH, offset) for offset in (-2, -1, 0)):
        company = Level("company", month, regions)
        assert (monthly_figures(company)[month].sales or 0) == _raw(month=month)
        for row in children(company):
            assert (row.figures.sales or 0) == _raw(month=month, territory__region=row.key)
        for province in (world.zhejiang, world.jiangsu, world.guangdong):
            level = Level("province", month, regions, area=province)
            expected = _raw(month=month, territory__path__startswith=province.path)
            assert (monthly_figures(level)[month].sales or 0) == expected
            for row in children(level):
                if row.key is not None:
                    city_path = f"{province.path}{row.key and _code(row.key)}/"
                    assert (row.figures.sales or 0) == _raw(
                        month=month, territory__path__startswith=city_path
                    )
        for person in (world.salesperson, world.colleague, world.other_salesperson):
            level = Level("person", month, regions, person=person)
            assert (monthly_figures(level)[month].sales or 0) == _raw(
                month=month, salesperson=person
            )


@pytest.mark.django_db
def test_the_80_20_share_counts_the_first_fifth_of_customers_by_profit(personas):
    """rules.md §11.1: of seven customers the first two (⌈20%⌉) by twelve months' gross
    profit, ties in customer order, losses and nothing sold counted among the rest."""
    world = personas
    profits = ["500.00", "300.00", "300.00", "100.00", "0.00", "-50.25", "20.10"]
    for profit in profits:
        customer = factories.customer_in(world.xihu, world.salesperson)
        factories.sale(customer, world.salesperson, MONTH, 1000, gross_profit=profit)
    building.refresh_months(MONTH, MONTH)

    split = value_split(Level("company", MONTH, [world.east, world.south]))

    assert (split.customers, split.top_customers) == (7, 2)
    assert (split.gross_profit, split.top_gross_profit) == (Decimal("1169.85"), Decimal("800.00"))
    assert split.top_share == ratio(Decimal("800.00"), Decimal("1169.85"))


def _code(pk: int) -> str:
    return Territory.objects.get(pk=pk).code


def _snapshot() -> dict:
    return {
        table.__name__: sorted(
            tuple(str(value) for value in row)
            for row in table.objects.values_list(
                *[f.attname for f in table._meta.concrete_fields if f.name != "id"]
            )
        )
        for table in CELL_TABLES
    }


@pytest.mark.django_db
def test_the_incremental_refresh_equals_the_nightly_rebuild(
    personas, django_capture_on_commit_callbacks
):
    world = factories.east_and_south(personas, MONTH)
    customer = factories.customer_in(world.ningbo, world.salesperson, name="宁波新客户")
    # Later changes reach the rollup through the receivers only (queued on commit).
    with django_capture_on_commit_callbacks(execute=True):
        factories.visit(customer, world.salesperson, add_months(MONTH, -1), day=20)
        factories.sighting(world.ningbo, MONTH, name="Rival Ltd", by=world.salesperson)
    with django_capture_on_commit_callbacks(execute=True):
        import_sales(
            rows=[
                {
                    "order_number": "INC-1",
                    "line": "1",
                    "date": f"{MONTH:%Y-%m}-15",
                    "customer": customer.name,
                    "salesperson": world.salesperson.username,
                    "amount": "1234.56",
                    "gross_profit": "234.56",
                }
            ],
            by=world.head_office,
            file_name="late.csv",
        )
    incremental = _snapshot()
    assert any("1234.56" in row for row in incremental["SalesCell"])
    building.rebuild_all()
    assert _snapshot() == incremental


@pytest.mark.django_db
def test_a_moved_visit_leaves_its_customer_cells_as_the_rebuild_would(
    personas, django_capture_on_commit_callbacks
):
    """A visit recorded, then moved to another customer and month, then removed: after each
    step the cells the receivers refreshed equal the nightly rebuild's."""
    world = factories.east_and_south(personas, MONTH)
    first = factories.customer_in(world.hangzhou, world.salesperson, name="杭州甲")
    second = factories.customer_in(world.hangzhou, world.salesperson, name="杭州乙")
    with django_capture_on_commit_callbacks(execute=True):
        moved = factories.visit(first, world.salesperson, MONTH, day=7)
        factories.visit(first, world.salesperson, MONTH, day=8)
    assert _customer_visits(first) == {(MONTH, world.salesperson.pk): 2}
    earlier = add_months(MONTH, -1)
    with django_capture_on_commit_callbacks(execute=True):
        _move(moved, customer=second, visited_at=local(earlier.year, earlier.month, 9))
    _assert_the_rebuild_changes_nothing()
    assert _customer_visits(first) == {(MONTH, world.salesperson.pk): 1}
    assert _customer_visits(second) == {(earlier, world.salesperson.pk): 1}
    with django_capture_on_commit_callbacks(execute=True):
        moved.delete()
    _assert_the_rebuild_changes_nothing()
    assert _customer_visits(second) == {}


def _assert_the_rebuild_changes_nothing() -> None:
    incremental = _snapshot()
    building.rebuild_all()
    assert _snapshot() == incremental


def _move(visit, **fields) -> None:
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.save()


def _customer_visits(customer) -> dict:
    cells = CustomerVisitCell.objects.filter(customer=customer)
    return {(cell.month, cell.salesperson_id): cell.visits for cell in cells}


@pytest.mark.django_db
def test_the_jobs_are_idempotent(personas):
    factories.east_and_south(personas, MONTH)
    tasks.rebuild_all()
    first = _snapshot()
    tasks.rebuild_all()
    tasks.refresh_sales(first_month=f"{MONTH:%Y-%m-%d}", last_month=f"{MONTH:%Y-%m-%d}")
    assert _snapshot() == first


@pytest.mark.django_db
def test_the_rebuild_repairs_what_differs_and_leaves_the_rest(personas):
    """The nightly rebuild writes only the cells that differ from the records (on PostgreSQL
    the large tables are compared, not rewritten): a changed, a missing and a stray cell and a
    wrong new-customer mark are put right, and an up-to-date rollup is left as it is."""
    factories.east_and_south(personas, MONTH)
    tasks.rebuild_all()
    right = _snapshot()
    untouched = SalesCell.objects.order_by("pk").last()
    SalesCell.objects.filter(pk=SalesCell.objects.order_by("pk").first().pk).update(amount=1)
    ActivityCell.objects.order_by("pk").first().delete()
    stray = CustomerVisitCell.objects.order_by("pk").first()
    CustomerVisitCell.objects.create(
        month=add_months(MONTH, -1),
        salesperson_id=stray.salesperson_id,
        customer_id=stray.customer_id,
        visits=3,
    )
    SalesCell.objects.filter(new_customer=True).update(new_customer=False)

    tasks.rebuild_all()

    assert _snapshot() == right
    if connection.vendor == "postgresql":  # SQLite replaces the months (a small database)
        assert SalesCell.objects.filter(pk=untouched.pk).exists()  # kept, not re-made


@pytest.mark.django_db
def test_a_customer_is_new_only_in_the_month_of_its_first_sale(personas):
    world = personas
    customer = factories.customer_in(world.hangzhou, world.salesperson, channel=Channel.DEALER)
    factories.sale(customer, world.salesperson, add_months(MONTH, -1), 100)
    factories.sale(customer, world.salesperson, MONTH, 100)
    building.refresh_months(add_months(MONTH, -1), MONTH)
    flags = dict(SalesCell.objects.values_list("month", "new_customer"))
    assert flags == {add_months(MONTH, -1): True, MONTH: False}
    Sale.objects.filter(month=add_months(MONTH, -1)).delete()
    building.refresh_sales(add_months(MONTH, -1), add_months(MONTH, -1))
    assert dict(SalesCell.objects.values_list("month", "new_customer")) == {MONTH: True}


@pytest.mark.django_db
def test_a_refresh_marks_only_the_customers_first_seen_in_its_months(personas):
    """Only a customer with no cell before the refreshed months can be won in them: an old
    customer's new sale leaves its first mark where it was, a newcomer's first cell is marked,
    and a mark put where none belongs is cleared."""
    world = personas
    earlier = add_months(MONTH, -3)
    old = factories.customer_in(world.hangzhou, world.salesperson, name="老客户")
    factories.sale(old, world.salesperson, earlier, 100)
    building.refresh_months(earlier, MONTH)
    newcomer = factories.customer_in(world.hangzhou, world.salesperson, name="新客户")
    factories.sale(newcomer, world.salesperson, MONTH, 100, day=3)
    factories.sale(newcomer, world.salesperson, MONTH, 100, day=9)
    factories.sale(old, world.salesperson, MONTH, 100)
    building.refresh_sales(MONTH, MONTH)
    SalesCell.objects.filter(customer=old, month=MONTH).update(new_customer=True)  # wrong
    building.refresh_sales(MONTH, MONTH)

    marks = set(SalesCell.objects.filter(new_customer=True).values_list("customer", "month"))
    assert marks == {(old.pk, earlier), (newcomer.pk, MONTH)}


@pytest.mark.django_db
def test_a_refresh_of_named_customers_recounts_their_cells_and_nobody_elses(personas):
    """An import names the customers whose lines changed: their cells and new-customer marks
    come out as the rebuild's, and no other customer's cell is read or written (one is left
    wrong here to show it)."""
    world = personas
    changed = factories.customer_in(world.hangzhou, world.salesperson, name="改单客户")
    left_alone = factories.customer_in(world.hangzhou, world.salesperson, name="旁观客户")
    factories.sale(changed, world.salesperson, MONTH, 100)
    factories.sale(left_alone, world.salesperson, MONTH, 100)
    building.refresh_months(MONTH, MONTH)
    SalesCell.objects.filter(customer=left_alone).update(amount=1)
    factories.sale(changed, world.salesperson, add_months(MONTH, -1), 40)
    factories.sale(changed, world.salesperson, MONTH, 60, day=12)

    building.refresh_sales(add_months(MONTH, -1), MONTH, customer_ids=[changed.pk])

    def cells(customer):
        rows = SalesCell.objects.filter(customer=customer).order_by("month")
        return list(rows.values_list("month", "amount", "lines", "new_customer"))

    assert cells(changed) == [
        (add_months(MONTH, -1), Decimal("40.00"), 1, True),
        (MONTH, Decimal("160.00"), 2, False),
    ]
    assert cells(left_alone) == [(MONTH, Decimal("1.00"), 1, True)]
    assert CustomerValue.objects.get(customer=changed).gross_profit_12m == Decimal("50.00")
    narrowed = cells(changed)
    building.refresh_months(add_months(MONTH, -1), MONTH)
    assert cells(changed) == narrowed
    assert cells(left_alone) == [(MONTH, Decimal("100.00"), 1, True)]


@pytest.mark.django_db
def test_a_sale_recorded_late_for_a_newer_customer_puts_it_on_the_map(personas):
    """The blank areas count a customer at a month's end once it was recorded, bought or
    visited: a refresh of named customers recounts them only when one of them was recorded
    after the month, whose sale of the month puts it on the map that month."""
    world = personas
    known = factories.customer_in(world.hangzhou, world.salesperson, name="老客户")
    Customer.objects.filter(pk=known.pk).update(created_at=local(2020, 1, 1))
    factories.sale(known, world.salesperson, MONTH, 100)
    building.refresh_months(MONTH, MONTH)
    BlankCity.objects.filter(month=MONTH, city=world.ningbo).update(customers=7)  # left alone
    building.refresh_sales(MONTH, MONTH, customer_ids=[known.pk])
    assert BlankCity.objects.get(month=MONTH, city=world.ningbo).customers == 7

    late = factories.customer_in(world.ningbo, world.salesperson, name="补录客户")  # recorded now
    factories.sale(late, world.salesperson, MONTH, 100)
    building.refresh_sales(MONTH, MONTH, customer_ids=[late.pk])

    ningbo = BlankCity.objects.filter(month=MONTH, city=world.ningbo)
    assert list(ningbo.values_list("customers", "last_visit_at")) == [(1, None)]


def _visit(customer, person, day: int):
    return factories.Visit.objects.create(
        salesperson=person,
        customer=customer,
        territory=customer.territory,
        visited_at=local(MONTH.year, MONTH.month, day, 10),
        kind="phone",
    )


@pytest.mark.django_db
def test_a_visits_refresh_recounts_the_customers_whose_visits_were_written(personas):
    """On PostgreSQL every write to the visits leaves a note of its customers and times, bulk
    writes included, and the month's refresh recounts only the customer visit cells of the
    customers noted (a cell left wrong here shows it); SQLite recounts the month whole."""
    world = personas
    first = factories.customer_in(world.hangzhou, world.salesperson, name="甲客户")
    second = factories.customer_in(world.hangzhou, world.salesperson, name="乙客户")
    moved = _visit(first, world.salesperson, 3)
    gone = _visit(second, world.salesperson, 4)
    _visit(second, world.salesperson, 5)
    building.refresh_months(MONTH, MONTH)
    assert not ChangedVisit.objects.exists()
    untouched = factories.customer_in(world.hangzhou, world.salesperson, name="丙客户")
    _visit(untouched, world.salesperson, 6)
    building.refresh_months(MONTH, MONTH)
    CustomerVisitCell.objects.filter(customer=untouched).update(visits=9)

    factories.Visit.objects.filter(pk=moved.pk).update(customer=second)  # no signal, a note
    factories.Visit.objects.filter(pk=gone.pk).delete()
    _visit(first, world.salesperson, 7)
    building.refresh_visits(MONTH)

    assert _customer_visits(first) == {(MONTH, world.salesperson.pk): 1}
    assert _customer_visits(second) == {(MONTH, world.salesperson.pk): 2}
    left = 9 if connection.vendor == "postgresql" else 1
    assert _customer_visits(untouched) == {(MONTH, world.salesperson.pk): left}
    assert not ChangedVisit.objects.exists()
    assert ActivityCell.objects.get().visits == 4


@pytest.mark.django_db
def test_a_customer_visited_twice_counts_once_among_the_customers_visited(personas):
    """A cell counts every visit, each customer once, and the complete visit records
    (visits.models.COMPLETE_VISIT), the same rebuilt whole or refreshed for its month."""
    world = personas
    often = factories.customer_in(world.hangzhou, world.salesperson, name="常去的客户")
    once = factories.customer_in(world.hangzhou, world.salesperson, name="去过一次的客户")
    for day in (3, 4):
        _visit(often, world.salesperson, day)
    complete = _visit(once, world.salesperson, 5)
    factories.Visit.objects.filter(pk=complete.pk).update(
        person_met="王经理", discussion="样品", result="下单", next_step="送货"
    )
    figures = ("visits", "customers_visited", "complete_visits")

    building.rebuild_all()
    rebuilt = list(ActivityCell.objects.values_list(*figures))
    building.refresh_visits(MONTH)

    assert rebuilt == [(3, 2, 1)]
    assert list(ActivityCell.objects.values_list(*figures)) == rebuilt


@pytest.mark.django_db
def test_visits_count_in_the_local_month(personas):
    world = personas
    customer = factories.customer_in(world.hangzhou, world.salesperson)
    month = date(2026, 7, 1)
    factories.Visit.objects.create(
        salesperson=world.salesperson,
        customer=customer,
        territory=customer.territory,
        visited_at=local(2026, 7, 31, 23, 30),  # 15:30 UTC: still July in Shanghai
        kind="phone",
    )
    building.refresh_months(month, add_months(month, 1))
    assert list(ActivityCell.objects.values_list("month", "visits")) == [(month, 1)]


@pytest.mark.django_db
def test_blank_cities_are_those_without_customers_or_recent_visits(personas):
    this_month = current_month()
    factories.east_and_south(personas, this_month)
    blank = set(BlankCity.objects.filter(month=this_month).values_list("city__name_en", flat=True))
    assert "Hangzhou" not in blank  # customers and visits this month
    assert {"Ningbo", "Guangzhou"} <= blank
    # At last month's end the customers had bought (so they were there) but nobody had
    # visited Hangzhou in the window yet.
    last = BlankCity.objects.filter(month=MONTH, city=personas.hangzhou).get()
    assert (last.customers, last.last_visit_at) == (2, None)
