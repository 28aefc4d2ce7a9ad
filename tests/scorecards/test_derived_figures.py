"""The scorecard and the 80/20 read derived tables (the monthly scores and the region rollup),
and their figures equal what the raw lines give, to the cent and the count: the same known data
is summed from the sale lines, visits and expense items and compared with every card."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum

from customers.models import Channel, Customer
from expenses.models import ExpenseClaim, ExpenseItem
from rollups import building
from rollups.models import ActivityCell, VisitorRate
from sales.models import Sale
from sales.selectors.customer_value import rank_customers, value_window
from salesops.models import User
from salesops.months import add_months, current_month, local_midnight
from scorecards import measures, value
from scorecards.periods import HALF, MONTH, QUARTER, Period
from tests.expenses.factories import approved_claim
from tests.sales.factories import local, make_sale, set_quota
from tests.scorecards.factories import customer_of, make_visit, refresh_derived_tables
from visits.models import COMPLETE_VISIT, Visit

pytestmark = pytest.mark.django_db

JULY, AUGUST, SEPTEMBER = date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)
PERIODS = [Period(MONTH, AUGUST), Period(QUARTER, JULY), Period(HALF, JULY)]


def _known_data(personas) -> None:
    """Two sellers over three months: customers of every kind won by one or the other, a
    customer first bought by a colleague, a sale on the last evening of a month, visits
    complete and not, approved and submitted claims."""
    me, colleague = personas.salesperson, personas.colleague
    for month in (JULY, AUGUST, SEPTEMBER):
        set_quota(me, month, "375000")
        set_quota(colleague, month, "120000")
    kinds = [Channel.TERMINAL_LARGE, Channel.TERMINAL_SMALL, Channel.DEALER, Channel.DIRECT_STORE]
    for number, kind in enumerate(kinds):
        customer = customer_of(me, channel=kind)
        make_sale(
            me, "12345.67", local(2025, 7, 3 + number), customer=customer, gross_profit="3001.01"
        )
        make_sale(me, "999.99", local(2025, 8, 10 + number), customer=customer, gross_profit="0.33")
        won_in_august = customer_of(me, channel=kind)
        make_sale(me, "70000.10", local(2025, 8, 31, 23, 30), customer=won_in_august)
        make_visit(me, customer, local(2025, 8, 5 + number), complete=number % 2 == 0)
        make_visit(me, won_in_august, local(2025, 9, 1, 0, 30), next_step="", follow_up_on=AUGUST)
    shared = customer_of(colleague, channel=Channel.TERMINAL_MEDIUM)
    make_sale(colleague, "5000.00", local(2025, 8, 2), customer=shared, gross_profit="800.00")
    make_sale(me, "6000.00", local(2025, 8, 3), customer=shared, gross_profit="900.00")
    make_visit(colleague, shared, local(2025, 8, 2), complete=False, person_met="王经理")
    approved_claim(me, JULY, amounts=["480.50", "19.50"])
    approved_claim(me, AUGUST, amounts=["1234.56"])
    approved_claim(colleague, AUGUST, amounts=["300.00"])
    approved_claim(me, SEPTEMBER, amounts=["999.00"], status=ExpenseClaim.Status.SUBMITTED)


def _raw_card(person, period: Period) -> dict:
    """The scorecard's figures summed from the raw lines, as the page computed them before."""
    sales = Sale.objects.filter(salesperson=person, month__gte=period.start, month__lt=period.end)
    earlier = Sale.objects.filter(customer=OuterRef("customer")).filter(
        Q(sold_at__lt=OuterRef("sold_at")) | Q(sold_at=OuterRef("sold_at"), pk__lt=OuterRef("pk"))
    )
    firsts = sales.filter(~Exists(earlier))
    visits = Visit.objects.filter(
        salesperson=person, visited_at__gte=period.starts_at, visited_at__lt=period.ends_at
    )
    travel = ExpenseItem.objects.filter(
        claim__salesperson=person,
        claim__status=ExpenseClaim.Status.APPROVED,
        claim__month__gte=period.start,
        claim__month__lt=period.end,
    )
    return {
        "sales": sales.aggregate(total=Sum("amount"))["total"] or Decimal("0.00"),
        "gross_profit": sales.aggregate(total=Sum("gross_profit"))["total"] or Decimal("0.00"),
        "new_customers": dict(
            firsts.values("customer__channel")
            .annotate(count=Count("customer", distinct=True))
            .values_list("customer__channel", "count")
        ),
        "travel_cost": travel.aggregate(total=Sum("amount"))["total"] or Decimal("0.00"),
        "visits": visits.count(),
        "complete_visits": visits.filter(COMPLETE_VISIT).count(),
    }


def _derived_card(card: measures.Scorecard) -> dict:
    return {
        "sales": card.attainment.sales,
        "gross_profit": card.attainment.gross_profit,
        "new_customers": card.new_customers,
        "travel_cost": card.travel.cost,
        "visits": card.reports.visits,
        "complete_visits": card.reports.complete_visits,
    }


@pytest.mark.parametrize("period", PERIODS, ids=lambda period: period.key)
def test_every_card_equals_the_raw_lines_to_the_cent_and_count(personas, period):
    _known_data(personas)
    refresh_derived_tables(JULY)
    people = [personas.salesperson, personas.colleague]

    cards = measures.scorecards(User.objects.filter(pk__in=[p.pk for p in people]), period)

    for card in cards:
        assert _derived_card(card) == _raw_card(card.person, period), card.person


def test_the_known_data_is_not_trivial(personas):
    """The comparison above means something: every figure it compares is there."""
    _known_data(personas)
    august = _raw_card(personas.salesperson, Period(MONTH, AUGUST))
    assert august["new_customers"] == {
        Channel.TERMINAL_LARGE: 1,
        Channel.TERMINAL_SMALL: 1,
        Channel.DEALER: 1,
        Channel.DIRECT_STORE: 1,
    }  # the shared customer is the colleague's: they sold to it first
    assert (august["visits"], august["complete_visits"]) == (4, 2)
    assert august["travel_cost"] == Decimal("1234.56")


def test_the_rollup_counts_complete_visits_by_the_scorecards_rule(personas):
    person = personas.salesperson
    customer = customer_of(person)
    make_visit(person, customer, local(2025, 8, 5))
    make_visit(person, customer, local(2025, 8, 6), next_step="", follow_up_on=AUGUST)
    make_visit(person, customer, local(2025, 8, 7), complete=False, person_met="王经理")

    building.refresh_visits(AUGUST)  # the incremental refresh a visit queues

    cell = ActivityCell.objects.get(salesperson=person, month=AUGUST)
    assert (cell.visits, cell.complete_visits) == (3, 2)


def test_the_80_20_ranks_by_the_rollup_as_by_the_sale_lines(personas):
    person = personas.salesperson
    this_month = current_month()
    for number, profit in enumerate(["100.01", "2500.50", "2500.50", "0.00", "77.70"]):
        customer = customer_of(person)
        moment = add_months(this_month, -number)
        make_sale(
            person,
            "9000",
            local(moment.year, moment.month, 1),
            customer=customer,
            gross_profit=profit,
        )
    old = customer_of(person)  # its only sale is outside the twelve months
    moment = add_months(this_month, -12)
    make_sale(person, "9000", local(moment.year, moment.month, 1), customer=old, gross_profit="9")
    visited = list(Customer.objects.filter(owner=person))[:3]
    for customer in visited:
        make_visit(person, customer, local(this_month.year, this_month.month, 1, 9))
    approved_claim(person, this_month, amounts=["100.00", "50.01"])
    refresh_derived_tables(this_month)
    scope = Customer.objects.filter(owner=person)

    from_lines = rank_customers(scope)
    from_rollup = value.analyse(scope).ranking

    def ranked(ranking):
        return [(c.pk, c.gross_profit_12m, c.value_rank, c.is_top) for c in ranking.customers]

    assert ranked(from_rollup) == ranked(from_lines)
    assert from_rollup.threshold == from_lines.threshold
    assert from_rollup.total_gross_profit == from_lines.total_gross_profit
    # What one visit costs: the approved travel cost over the visits, here 150.01 ÷ 3.
    assert _rates() == {person.pk: round(Decimal("150.01") / 3, 6)}


def _per_customer_data(personas) -> None:
    """Customers visited by two salespeople on both sides of the window's first local
    midnight, and sold to in and before the window, on a month's last evening too."""
    me, colleague = personas.salesperson, personas.colleague
    this_month = current_month()
    first_month = value_window().first_month
    before_window = local_midnight(first_month) - timedelta(minutes=30)
    shared, quiet, never_bought = customer_of(me), customer_of(me), customer_of(me)
    for person, customer, visited_at in [
        (me, shared, before_window),
        (me, shared, local_midnight(first_month) + timedelta(minutes=30)),
        (me, shared, local(this_month.year, this_month.month, 1, 9)),
        (colleague, shared, local(this_month.year, this_month.month, 1, 11)),
        (colleague, shared, local(this_month.year, this_month.month, 1, 15)),
        (me, never_bought, local(this_month.year, this_month.month, 1, 16)),
    ]:
        make_visit(person, customer, visited_at)
    last_month = add_months(this_month, -1)
    last_evening = local_midnight(this_month) - timedelta(minutes=20)
    for person, customer, sold_at, profit in [
        (me, shared, local(last_month.year, last_month.month, 2), "500.00"),
        (colleague, shared, last_evening, "-20.00"),
        (me, quiet, before_window, "9.00"),
    ]:
        make_sale(person, "1000.00", sold_at, customer=customer, gross_profit=profit)
    approved_claim(me, this_month, amounts=["100.00", "50.01"])
    approved_claim(colleague, this_month, amounts=["77.77"])
    refresh_derived_tables(this_month)


def _rates() -> dict[int, Decimal]:
    """Each salesperson's cost per visit as the rollup keeps it (six decimals)."""
    return dict(VisitorRate.objects.values_list("salesperson_id", "cost_per_visit"))


def _raw_per_customer(customer, window, rates) -> tuple:
    """A customer's visits, visit cost and latest order from the visits and sale lines."""
    visits = Visit.objects.filter(
        customer=customer,
        visited_at__gte=local_midnight(window.first_month),
        visited_at__lt=local_midnight(window.end),
    )
    cost = sum((rates.get(visit.salesperson_id, Decimal(0)) for visit in visits), Decimal(0))
    last_order = Sale.objects.filter(customer=customer).aggregate(last=Max("sold_at"))["last"]
    return visits.count(), round(cost, 4), last_order


def test_the_80_20_counts_and_prices_visits_and_dates_orders_as_the_raw_lines(personas):
    _per_customer_data(personas)
    scope = Customer.objects.filter(owner=personas.salesperson)

    analysis = value.analyse(scope)
    rates = _rates()

    derived = {
        customer.pk: (
            customer.visits_12m,
            round(Decimal(customer.visit_cost_12m), 4),
            customer.last_order_at,
        )
        for customer in analysis.customers
    }
    raw = {customer.pk: _raw_per_customer(customer, analysis.window, rates) for customer in scope}
    assert derived == raw
    assert sorted(visits for visits, _, _ in raw.values()) == [0, 1, 4]  # not trivial
    assert set(rates) == {personas.salesperson.pk, personas.colleague.pk}
