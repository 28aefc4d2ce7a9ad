"""Each customer's twelve months (rules.md §11.1), kept by the rollup jobs: equal to the cells
after every refresh, stale rows never read, and a turned month moving every customer on."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum

from customers.models import Customer
from rollups import building, tasks, values
from rollups.models import ActivityCell, CustomerValue, VisitorRate, visit_cost
from sales.models import Sale
from sales.scoring import score_period
from sales.selectors.customer_value import value_window
from salesops.models import Role
from salesops.months import add_months, current_month, half_year_of
from scorecards import value
from tests.expenses.factories import approved_claim
from tests.factories import UserFactory
from tests.rollups import factories

pytestmark = pytest.mark.django_db
MONTH = current_month()


def _values() -> dict[int, tuple]:
    return {
        row.customer_id: (
            row.last_month,
            row.gross_profit_12m,
            row.visits_12m,
            row.last_order_at,
            row.other_visit_cost_12m,
            row.visit_cost_12m,
            row.visitor_id,
            row.visitor_visits,
            row.second_visitor_id,
            row.second_visitor_visits,
            row.third_visitor_id,
            row.third_visitor_visits,
        )
        for row in _priced()
    }


def _priced():
    return CustomerValue.objects.annotate(visit_cost_12m=visit_cost())


def _rebuilt() -> dict[int, tuple]:
    with transaction.atomic():
        values.refresh_all()
    return _values()


def _profit(customer) -> Decimal:
    ranked = value.analyse(Customer.objects.filter(pk=customer.pk))
    return ranked.customers.get().gross_profit_12m


COPY_FIELDS = {
    "value_month": "last_month",
    "value_gross_profit": "gross_profit_12m",
    "value_last_order_at": "last_order_at",
    "value_visits": "visits_12m",
    "value_other_visit_cost": "other_visit_cost_12m",
    "value_visitor": "visitor",
    "value_visitor_visits": "visitor_visits",
    "value_second_visitor": "second_visitor",
    "value_second_visitor_visits": "second_visitor_visits",
    "value_third_visitor": "third_visitor",
    "value_third_visitor_visits": "third_visitor_visits",
}


def _copies() -> dict[int, tuple]:
    """Each customer's copy of its value (None for every field when it has no row)."""
    rows = Customer.objects.values_list("pk", *COPY_FIELDS)
    return {pk: tuple(copy) for pk, *copy in rows}


def _copied_values() -> dict[int, tuple]:
    rows = CustomerValue.objects.values_list("customer_id", *COPY_FIELDS.values())
    none = (None,) * len(COPY_FIELDS)
    copied = dict.fromkeys(Customer.objects.values_list("pk", flat=True), none)
    return copied | {pk: tuple(copy) for pk, *copy in rows}


def _figures_read_from_copies() -> dict[int, tuple]:
    """What the 80/20's counts read of each customer (scorecards.value.copied_values)."""
    window = value_window()
    read = value.copied_values(Customer.objects.all(), window)
    return {row.pk: _figures(row) for row in read}


def _figures_read_from_values() -> dict[int, tuple]:
    """The same figures as the 80/20's ranked list reads them, joined to the values."""
    window = value_window()
    read = value.with_visit_cost(value.rollup_values(Customer.objects.all(), window))
    return {row.pk: _figures(row) for row in read}


def _figures(row) -> tuple:
    return (row.gross_profit_12m, row.last_order_at, row.visits_12m, row.visit_cost_12m)


def _copies_follow_the_values() -> bool:
    return (
        _copies() == _copied_values() and _figures_read_from_copies() == _figures_read_from_values()
    )


def test_each_customer_keeps_a_copy_of_its_value_through_refreshes(personas):
    """The copy the 80/20's counts read (scorecards.value) follows the value row: it is
    written with the row, changed with it and cleared when the row goes."""
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    gone = factories.customer_in(world.ningbo, world.salesperson, name="只买过一次")
    line = factories.sale(gone, world.salesperson, MONTH, "900", gross_profit="300")
    building.rebuild_all()
    assert _copies()[gone.pk][1] == Decimal("300")
    assert _copies_follow_the_values()

    Sale.objects.filter(pk=line.pk).delete()
    newcomer = factories.customer_in(world.ningbo, world.salesperson, name="新来的")
    factories.sale(newcomer, world.salesperson, add_months(MONTH, -1), "50", gross_profit="20")
    building.refresh_sales(add_months(MONTH, -1), MONTH)

    assert _copies()[gone.pk] == (None,) * len(COPY_FIELDS)
    assert _copies()[newcomer.pk][:2] == (MONTH, Decimal("20"))
    assert _copies_follow_the_values()

    CustomerValue.objects.update(last_month=add_months(MONTH, -1))  # as the month turned
    with transaction.atomic():
        values.refresh([newcomer.pk])  # a stale table: every row written again
    assert _copies_follow_the_values()
    assert {copy[0] for copy in _copies().values() if copy[0]} == {MONTH}


def test_the_window_holds_twelve_months_and_the_latest_order_is_of_any_month(personas):
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    customer = factories.customer_in(world.ningbo, world.salesperson, name="宁波老客户")
    factories.sale(customer, world.salesperson, MONTH, "400", gross_profit="100", day=1)
    factories.sale(customer, world.salesperson, add_months(MONTH, -11), "40", gross_profit="10")
    factories.sale(customer, world.salesperson, add_months(MONTH, -12), "4000", gross_profit="1000")
    factories.visit(customer, world.salesperson, add_months(MONTH, -3))
    factories.visit(customer, world.salesperson, add_months(MONTH, -13))
    old_only = factories.customer_in(world.ningbo, world.salesperson, name="宁波旧客户")
    long_ago = factories.sale(old_only, world.salesperson, add_months(MONTH, -20), "80", day=3)

    building.rebuild_all()

    row = CustomerValue.objects.get(customer=customer)
    assert (row.last_month, row.gross_profit_12m, row.visits_12m) == (MONTH, Decimal("110"), 1)
    old = CustomerValue.objects.get(customer=old_only)
    assert (old.gross_profit_12m, old.last_order_at) == (Decimal("0"), long_ago.sold_at)


def test_a_refresh_of_some_months_brings_exactly_their_customers_up_to_date(personas):
    """A line removed, a line added and a visit moved: the customers whose cells changed are
    refreshed, and the table equals a rebuild of every customer."""
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    gone = factories.customer_in(world.ningbo, world.salesperson, name="只买过一次")
    line = factories.sale(gone, world.salesperson, MONTH, "900", gross_profit="300")
    building.rebuild_all()
    assert CustomerValue.objects.get(customer=gone).gross_profit_12m == Decimal("300")

    Sale.objects.filter(pk=line.pk).delete()
    newcomer = factories.customer_in(world.ningbo, world.salesperson, name="新来的")
    factories.sale(newcomer, world.salesperson, add_months(MONTH, -1), "50", gross_profit="20")
    building.refresh_sales(add_months(MONTH, -1), MONTH)
    visit = factories.visit(newcomer, world.salesperson, MONTH)
    building.refresh_visits(MONTH)

    refreshed = _values()
    assert gone.pk not in refreshed  # no cell left: no row, read as nothing bought
    assert refreshed[newcomer.pk][1:3] == (Decimal("20"), 1)
    assert _rebuilt() == refreshed

    visit.delete()
    building.refresh_visits(MONTH)
    assert _values()[newcomer.pk][2] == 0
    assert _rebuilt() == _values()


def test_a_correction_of_the_only_recent_order_moves_the_latest_order_back_years(personas):
    """A customer's latest order is read from its cells since the window began; when a
    correction leaves none there, from its older cells, as a full rebuild reads it."""
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    lapsing = factories.customer_in(world.ningbo, world.salesperson, name="宁波三年老客户")
    years_ago = factories.sale(lapsing, world.salesperson, add_months(MONTH, -30), "60", day=2)
    factories.sale(lapsing, world.salesperson, add_months(MONTH, -14), "70", day=5)
    recent = factories.sale(lapsing, world.salesperson, MONTH, "500", gross_profit="90", day=1)
    only_visited = factories.customer_in(world.ningbo, world.salesperson, name="只拜访过")
    factories.visit(only_visited, world.salesperson, MONTH)
    building.rebuild_all()
    assert _values()[lapsing.pk][1] == Decimal("90")
    assert _values()[lapsing.pk][3] == recent.sold_at

    Sale.objects.filter(pk=recent.pk).delete()
    building.refresh_sales(MONTH, MONTH, customer_ids=[lapsing.pk, only_visited.pk])

    refreshed = _values()
    latest = Sale.objects.filter(customer=lapsing).order_by("-sold_at").first()
    assert latest.sold_at > years_ago.sold_at
    assert refreshed[lapsing.pk][1:4] == (Decimal("0"), 0, latest.sold_at)
    assert refreshed[only_visited.pk][1:4] == (Decimal("0"), 1, None)
    assert _rebuilt() == refreshed


def test_rows_of_an_earlier_window_are_read_as_none_until_the_month_job_runs(personas):
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    customer = factories.customer_in(world.ningbo, world.salesperson, name="月初的客户")
    factories.sale(customer, world.salesperson, MONTH, "800", gross_profit="200")
    building.rebuild_all()
    right = _values()
    last_month = add_months(MONTH, -1)
    CustomerValue.objects.update(last_month=last_month)  # as the month turned: every row stale

    assert _profit(customer) == Decimal("0")
    tasks.refresh_customer_values()
    assert _values() == right
    assert _profit(customer) == Decimal("200")


def test_the_first_refresh_after_the_turn_moves_every_customer_on(personas):
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    building.rebuild_all()
    right = _values()
    assert right
    CustomerValue.objects.update(last_month=date(2000, 1, 1))
    untouched = factories.customer_in(world.ningbo, world.salesperson, name="无关的客户")
    factories.visit(untouched, world.salesperson, MONTH)

    building.refresh_visits(MONTH)  # touches one customer only

    rows = _values()
    assert {row[0] for row in rows.values()} == {MONTH}
    assert {pk: row for pk, row in rows.items() if pk != untouched.pk} == right


def test_an_approved_claim_reprices_the_visits_of_its_salesperson(personas):
    """Travel costs come with the scores: when scoring wrote them, the refresh that places them
    also re-prices every customer the salesperson visited (rules.md §11.2)."""
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    visited = factories.customer_in(world.ningbo, world.salesperson, name="常去的客户")
    for day in (2, 3, 4, 5):
        factories.visit(visited, world.salesperson, MONTH, day=day)
    building.rebuild_all()
    before = _priced().get(customer=visited).visit_cost_12m

    approved_claim(world.salesperson, MONTH, amounts=["400.00"])
    score_period(half_year_of(MONTH))
    building.refresh_score_shares(MONTH, MONTH)

    rate = VisitorRate.objects.get(salesperson=world.salesperson).cost_per_visit
    visits = ActivityCell.objects.filter(salesperson=world.salesperson).aggregate(n=Sum("visits"))
    assert rate == round(Decimal("400.00") / visits["n"], 6)
    after = _priced().get(customer=visited).visit_cost_12m
    assert (before, after) == (Decimal("0"), 4 * rate)
    assert _copies_follow_the_values()
    assert _rebuilt() == _values()


@pytest.mark.parametrize("whole_pass_share", [0.0, 1.0], ids=["one-pass", "listed-customers"])
def test_new_visits_reprice_the_same_however_the_customers_are_found(
    personas, monkeypatch, whole_pass_share
):
    """Re-pricing a few salespeople's customers looks them up; many, one pass over every visit
    cell of the window: either way the values equal a rebuild's."""
    monkeypatch.setattr(values, "WHOLE_PASS_SHARE", whole_pass_share)
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    visited = factories.customer_in(world.ningbo, world.salesperson, name="常去的客户")
    factories.visit(visited, world.salesperson, MONTH, day=2)
    approved_claim(world.salesperson, MONTH, amounts=["300.00"])
    score_period(half_year_of(MONTH))
    building.rebuild_all()
    before = _priced().get(customer=visited).visit_cost_12m

    factories.visit(visited, world.salesperson, MONTH, day=3)  # one more visit: a lower rate
    building.refresh_visits(MONTH)

    after = _priced().get(customer=visited).visit_cost_12m
    assert after != before
    assert _copies_follow_the_values()
    assert _rebuilt() == _values()


@pytest.mark.parametrize("whole_pass_share", [0.0, 1.0], ids=["one-pass", "listed-customers"])
def test_a_customers_three_most_frequent_visitors_are_priced_when_read(
    personas, monkeypatch, whole_pass_share
):
    """The three salespeople who visited a customer most are named on its value with their
    visits, and priced when read at their rates; the visits of a fourth are kept priced, and
    only such a customer is re-priced when rates move. Its copy follows either way."""
    monkeypatch.setattr(values, "WHOLE_PASS_SHARE", whole_pass_share)
    world = factories.east_and_south(personas, MONTH, customers_each=1)
    seller, colleague, third = world.salesperson, world.colleague, world.other_salesperson
    fourth = UserFactory(
        username="zhou", display_name="周强", role=Role.SALESPERSON, regions=[world.east]
    )
    shared = factories.customer_in(world.ningbo, seller, name="两人都去的客户")
    own = factories.customer_in(world.ningbo, seller, name="一人去的客户")
    for person, visits in ((seller, 3), (colleague, 1)):
        for day in range(2, 2 + visits):
            factories.visit(shared, person, MONTH, day=day)
    for person in (seller, colleague, third, fourth):
        approved_claim(person, MONTH, amounts=["300.00"])
    factories.visit(own, seller, MONTH, day=9)
    # Visited once each before the rebuild: by three, whose visits are all priced when read,
    # and by four, the fourth's visits kept priced, which their rate's moves re-price.
    trio = factories.customer_in(world.ningbo, seller, name="三人去过的老客户")
    quartet = factories.customer_in(world.ningbo, seller, name="四人去过的老客户")
    for person in (seller, colleague, third):
        factories.visit(trio, person, MONTH, day=20)
    for person in (seller, colleague, third, fourth):
        factories.visit(quartet, person, MONTH, day=21)
    score_period(half_year_of(MONTH))
    building.rebuild_all()
    quartet_cost = _priced().get(customer=quartet).visit_cost_12m
    offered = _offered_for_repricing(monkeypatch)

    factories.visit(own, seller, MONTH, day=10)  # every rate moves
    factories.visit(shared, colleague, MONTH, day=11)
    factories.visit(factories.customer_in(world.shenzhen, third), third, MONTH, day=12)
    factories.visit(factories.customer_in(world.hangzhou, fourth), fourth, MONTH, day=13)
    building.refresh_visits(MONTH)

    rates = dict(VisitorRate.objects.values_list("salesperson", "cost_per_visit"))
    listed = [shared, own, trio, quartet]
    rows = {row.customer_id: row for row in _priced().filter(customer__in=listed)}
    assert {pk: _named_visitors(row) for pk, row in rows.items()} == {
        own.pk: (seller.pk, 2, None, None, None, None, 0),
        shared.pk: (seller.pk, 3, colleague.pk, 2, None, None, 0),
        trio.pk: (*_first_three(seller, colleague, third), 0),
        # Each visited once: the lower ids are named, the highest is the others'.
        quartet.pk: (*_first_three(seller, colleague, third, fourth), 1),
    }
    others = rates[max(seller.pk, colleague.pk, third.pk, fourth.pk)]
    assert rows[quartet.pk].other_visit_cost_12m == others
    assert rows[trio.pk].other_visit_cost_12m == 0
    assert rows[own.pk].visit_cost_12m == 2 * rates[seller.pk]
    assert rows[shared.pk].visit_cost_12m == 3 * rates[seller.pk] + 2 * rates[colleague.pk]
    trio_now = rates[seller.pk] + rates[colleague.pk] + rates[third.pk]
    assert rows[trio.pk].visit_cost_12m == trio_now
    quartet_now = trio_now + rates[fourth.pk]
    assert rows[quartet.pk].visit_cost_12m == quartet_now != quartet_cost
    assert offered == [quartet.pk]
    assert _copies_follow_the_values()
    assert _rebuilt() == _values()


def _named_visitors(row) -> tuple:
    """Who is named on a value and with how many visits, and how many visits are the others'."""
    named = (row.visitor_visits or 0) + (row.second_visitor_visits or 0)
    named += row.third_visitor_visits or 0
    return (
        row.visitor_id,
        row.visitor_visits,
        row.second_visitor_id,
        row.second_visitor_visits,
        row.third_visitor_id,
        row.third_visitor_visits,
        row.visits_12m - named,
    )


def _first_three(*people) -> tuple:
    first, second, third = sorted(person.pk for person in people)[:3]
    return (first, 1, second, 1, third, 1)


def _offered_for_repricing(monkeypatch) -> list[int]:
    """The customers the refreshes offer to re-price from now on, in order."""
    offered = []
    reprice = values._reprice_customers

    def recording(customers, last_month):
        offered.extend(sorted(customers))
        return reprice(customers, last_month)

    monkeypatch.setattr(values, "_reprice_customers", recording)
    return offered
