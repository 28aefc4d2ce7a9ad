"""Each measure of the scorecard (rules.md §10) from known data, and each figure's explanation
rows adding up to the figure."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from customers.models import Channel
from expenses.models import ExpenseClaim
from reports.models import WeeklyReport
from sales.scoring import score_period
from scorecards import selectors
from scorecards.periods import HALF, MONTH, QUARTER, Period, parse_period
from tests.expenses.factories import approved_claim
from tests.sales.factories import local, make_sale, set_quota
from tests.scorecards.factories import (
    complaint,
    customer_of,
    make_visit,
    rate,
    refresh_derived_tables,
)

pytestmark = pytest.mark.django_db

JULY, AUGUST, SEPTEMBER = date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)
AUGUST_PERIOD = Period(MONTH, AUGUST)
SECOND_HALF = Period(HALF, JULY)
NOW = local(2026, 1, 15)  # every week of 2025 is closed


def _card(person, period):
    refresh_derived_tables(period.start)
    return selectors.person_scorecard(person, period, now=NOW)


def _sales_with_carry_over(person):
    """July: 300,000 of 375,000 (75,000 carried into August); August: 400,000 of 450,000."""
    set_quota(person, JULY, "375000")
    set_quota(person, AUGUST, "375000")
    make_sale(person, "300000", local(2025, 7, 15), gross_profit="60000")
    make_sale(person, "150000", local(2025, 8, 5), gross_profit="30000")
    make_sale(person, "250000", local(2025, 8, 25), gross_profit="50000")
    score_period(JULY)


def test_attainment_of_a_month_counts_the_carry_over_into_its_target(personas):
    _sales_with_carry_over(personas.salesperson)

    attainment = _card(personas.salesperson, AUGUST_PERIOD).attainment

    assert attainment.sales == Decimal("400000.00")
    assert attainment.quota == Decimal("375000.00")
    assert attainment.carried_in == Decimal("75000.00")
    assert attainment.target == Decimal("450000.00")
    assert attainment.percent == Decimal("88.9")


def test_attainment_of_a_half_year_is_its_sales_over_its_quotas_and_the_carry_in(personas):
    _sales_with_carry_over(personas.salesperson)

    attainment = _card(personas.salesperson, SECOND_HALF).attainment

    assert attainment.sales == Decimal("700000.00")
    assert attainment.target == Decimal("750000.00")  # nothing carried into July
    assert attainment.percent == Decimal("93.3")


def test_attainment_without_a_quota_is_not_a_number(personas):
    make_sale(personas.salesperson, "1000", local(2025, 8, 5))
    score_period(JULY)
    assert _card(personas.salesperson, AUGUST_PERIOD).attainment.percent is None


def test_the_attainment_explanation_lists_the_lines_and_months_behind_the_figure(personas):
    _sales_with_carry_over(personas.salesperson)
    card = _card(personas.salesperson, AUGUST_PERIOD)

    rows = selectors.explain_attainment(personas.salesperson, AUGUST_PERIOD)

    assert sum(line.amount for line in rows["lines"]) == card.attainment.sales
    [month] = rows["months"]
    assert month.carried_over == card.attainment.carried_in
    assert month.quota == card.attainment.quota


def test_sale_lines_of_an_explanation_come_two_hundred_a_page(personas):
    customer = customer_of(personas.salesperson)
    for day in range(201):
        make_sale(personas.salesperson, "10", local(2025, 8, 1 + day % 28), customer=customer)

    first = selectors.explain_attainment(personas.salesperson, AUGUST_PERIOD)["lines"]
    second = selectors.explain_attainment(personas.salesperson, AUGUST_PERIOD, 2)["lines"]

    assert len(first) == 200
    assert len(second) == 1
    assert first.paginator.count == 201


def test_new_customers_are_counted_by_kind_in_the_month_of_their_first_sale(personas):
    person = personas.salesperson
    large = customer_of(person, channel=Channel.TERMINAL_LARGE)
    small = customer_of(person, channel=Channel.TERMINAL_SMALL)
    dealer = customer_of(person, channel=Channel.DEALER)
    old = customer_of(person, channel=Channel.TERMINAL_LARGE)
    make_sale(person, "5000", local(2025, 6, 30), customer=old)  # first bought in June
    make_sale(person, "5000", local(2025, 8, 2), customer=old)
    make_sale(person, "5000", local(2025, 8, 3), customer=large)
    make_sale(person, "5000", local(2025, 8, 9), customer=large)  # a second order: still one
    make_sale(person, "5000", local(2025, 8, 4), customer=small)
    make_sale(person, "5000", local(2025, 8, 31, 23), customer=dealer)  # 31 Aug, local time
    make_sale(person, "5000", local(2025, 9, 1, 1), customer=customer_of(person))

    card = _card(person, AUGUST_PERIOD)

    assert card.new_customers == {
        Channel.TERMINAL_LARGE: 1,
        Channel.TERMINAL_SMALL: 1,
        Channel.DEALER: 1,
    }
    rows = selectors.explain_new_customers(person, AUGUST_PERIOD)["lines"]
    assert {line.customer for line in rows} == {large, small, dealer}


def test_a_customer_won_by_a_colleague_is_not_mine(personas):
    customer = customer_of(personas.colleague)
    make_sale(personas.colleague, "5000", local(2025, 8, 3), customer=customer)
    make_sale(personas.salesperson, "5000", local(2025, 8, 4), customer=customer)
    assert _card(personas.salesperson, AUGUST_PERIOD).new_customer_total == 0
    assert _card(personas.colleague, AUGUST_PERIOD).new_customer_total == 1


def test_travel_efficiency_is_approved_travel_cost_over_gross_profit(personas):
    person = personas.salesperson
    make_sale(person, "100000", local(2025, 8, 5), gross_profit="20000")
    approved_claim(person, AUGUST, amounts=["500", "300"])
    approved_claim(person, SEPTEMBER, amounts=["900"], status=ExpenseClaim.Status.SUBMITTED)
    score_period(JULY)

    travel = _card(person, Period(QUARTER, JULY)).travel

    assert travel.cost == Decimal("800.00")  # the September claim is not approved
    assert travel.gross_profit == Decimal("20000.00")
    assert travel.ratio == Decimal("0.0400")
    items = selectors.explain_travel(person, Period(QUARTER, JULY))["items"]
    assert sum(item.amount for item in items) == travel.cost


def test_travel_efficiency_without_gross_profit_is_not_a_number(personas):
    approved_claim(personas.salesperson, AUGUST, amounts=["500"])
    travel = _card(personas.salesperson, AUGUST_PERIOD).travel
    assert travel.cost == Decimal("500.00")
    assert travel.ratio is None


def test_attitude_is_the_mean_rating_and_the_complaints_of_the_period(personas):
    person, manager = personas.salesperson, personas.manager
    rate(person, JULY, 4, manager)
    rate(person, AUGUST, 5, manager)
    customer = customer_of(person)
    complaint(person, customer, date(2025, 8, 3), manager)
    complaint(person, customer, date(2025, 8, 31), manager)
    complaint(person, customer, date(2025, 9, 1), manager)

    half = _card(person, SECOND_HALF).attitude
    august = _card(person, AUGUST_PERIOD).attitude

    assert (half.rating, half.complaints) == (Decimal("4.5"), 3)
    assert (august.rating, august.complaints) == (Decimal("5.0"), 2)
    rows = selectors.explain_attitude(person, AUGUST_PERIOD)
    assert len(rows["complaints"]) == august.complaints
    assert [rating.score for rating in rows["ratings"]] == [5]


def _report(person, monday, *, late):
    return WeeklyReport.objects.create(
        salesperson=person,
        region=personas_region(person),
        week_start=monday,
        status=WeeklyReport.Status.SUBMITTED,
        submitted_at=local(monday.year, monday.month, monday.day) + timedelta(days=4),
        is_late=late,
    )


def personas_region(person):
    return person.regions.first()


def test_reports_measure_is_the_on_time_rate_and_complete_visits(personas):
    person = personas.salesperson
    person.started_on = date(2025, 1, 1)
    person.save(update_fields=["started_on"])
    # August 2025 has four Mondays: 4, 11, 18 and 25.
    _report(person, date(2025, 8, 4), late=False)
    _report(person, date(2025, 8, 11), late=False)
    _report(person, date(2025, 8, 18), late=True)  # and the week of the 25th is missing
    customer = customer_of(person)
    make_visit(person, customer, local(2025, 8, 5))
    make_visit(person, customer, local(2025, 8, 6))
    make_visit(person, customer, local(2025, 8, 7), complete=False, person_met="王经理")

    reports = _card(person, AUGUST_PERIOD).reports

    assert (reports.on_time, reports.late, reports.missing) == (2, 1, 1)
    assert reports.on_time_rate == Decimal("50.0")
    assert (reports.complete_visits, reports.visits) == (2, 3)
    assert reports.completeness == Decimal("66.7")
    rows = selectors.explain_reports(person, AUGUST_PERIOD, now=NOW)
    assert [row.state for row in rows["weeks"]] == ["on_time", "on_time", "late", "missing"]
    assert len(rows["incomplete"]) == reports.visits - reports.complete_visits


def test_weeks_before_a_person_started_are_not_due(personas):
    person = personas.salesperson
    person.started_on = date(2025, 8, 20)
    person.save(update_fields=["started_on"])
    reports = _card(person, AUGUST_PERIOD).reports
    assert (reports.missing, reports.weeks_due) == (2, 2)  # the weeks of the 18th and 25th


def test_a_visit_with_a_follow_up_date_instead_of_a_next_step_is_complete(personas):
    person = personas.salesperson
    make_visit(person, customer_of(person), local(2025, 8, 5), next_step="", follow_up_on=AUGUST)
    assert _card(person, AUGUST_PERIOD).reports.complete_visits == 1


def test_the_team_total_sums_figures_and_takes_ratios_of_the_sums(personas):
    _sales_with_carry_over(personas.salesperson)
    set_quota(personas.colleague, AUGUST, "100000")
    make_sale(personas.colleague, "100000", local(2025, 8, 5))
    score_period(JULY)
    cards = selectors.team_scorecards(personas.manager, AUGUST_PERIOD, now=NOW)

    total = selectors.measures.team_total(cards, AUGUST_PERIOD)

    assert total.attainment.sales == Decimal("500000.00")
    assert total.attainment.target == Decimal("550000.00")
    assert total.attainment.percent == Decimal("90.9")


@pytest.mark.parametrize(
    ("name", "kind", "start", "months"),
    [
        ("2025-08", MONTH, AUGUST, 1),
        ("2025-Q3", QUARTER, JULY, 3),
        ("2025-H2", HALF, JULY, 6),
    ],
)
def test_periods_are_named_by_month_quarter_or_half_year(name, kind, start, months):
    period = parse_period(name)
    assert (period.kind, period.start, len(period.months), period.key) == (
        kind,
        start,
        months,
        name,
    )
