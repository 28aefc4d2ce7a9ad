"""The five measures of the scorecard (rules.md §10.1–§10.5) for a set of people and a period.

Every figure is read from the derived tables, never from raw lines: attainment, quota,
carry-over, gross profit and travel cost from the monthly scores (`sales.Attainment`), new
customers from the rollup's sales cells, visits and their completeness from its visit cells
(rollups.models). Each measure is one grouped query for every person at once (the reports
measure one query per week of the period), so a page costs the same whatever the number of
sale lines, visits or claims behind it. The formulas and where each figure comes from are
written out in rules.md §10.

The raw-row querysets below (`period_sales`, `first_sales`, `travel_items`, `period_visits`)
serve the explanations only: one person and period, a page at a time (rules.md §10.6).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from customers.models import Channel
from expenses.models import ExpenseClaim, ExpenseItem
from reports import weeks
from reports.selectors import Compliance, compliance
from rollups.models import ActivityCell, SalesCell
from sales.models import Attainment, Sale
from salesops.models import User
from scorecards.models import Complaint, ManagerRating
from scorecards.periods import Period
from visits.models import Visit

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# rules.md §10.2: the kinds of new customer counted apart, in the order the page shows them.
NEW_CUSTOMER_KINDS = [
    Channel.TERMINAL_LARGE,
    Channel.TERMINAL_MEDIUM,
    Channel.TERMINAL_SMALL,
    Channel.DEALER,
    Channel.DIRECT_STORE,
]


def percent(part, whole) -> Decimal | None:
    """part ÷ whole as a percentage with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class AttainmentMeasure:
    """rules.md §10.1: sales ÷ (quotas of the period + carry-over into its first month)."""

    sales: Decimal = ZERO
    quota: Decimal = ZERO
    carried_in: Decimal = ZERO
    gross_profit: Decimal = ZERO
    scored_months: int = 0

    @property
    def target(self) -> Decimal:
        return self.quota + self.carried_in

    @property
    def percent(self) -> Decimal | None:
        return percent(self.sales, self.target)


@dataclass
class TravelMeasure:
    """rules.md §7.11, §10.3: approved travel cost ÷ gross profit; lower is better."""

    cost: Decimal = ZERO
    gross_profit: Decimal = ZERO

    @property
    def ratio(self) -> Decimal | None:
        if self.gross_profit <= 0:
            return None  # "no gross profit", never a number
        return (self.cost / self.gross_profit).quantize(Decimal("0.0001"))

    @property
    def percent(self) -> Decimal | None:
        return percent(self.cost, self.gross_profit) if self.gross_profit > 0 else None


@dataclass
class AttitudeMeasure:
    """rules.md §10.4: complaints received in the period and the mean of the monthly ratings."""

    complaints: int = 0
    rating_total: int = 0
    rated_months: int = 0

    @property
    def rating(self) -> Decimal | None:
        if not self.rated_months:
            return None
        return (Decimal(self.rating_total) / self.rated_months).quantize(Decimal("0.1"))


@dataclass
class ReportsMeasure:
    """rules.md §10.5: weekly reports on time ÷ weeks due, and complete visit records ÷ visits."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    open: int = 0
    visits: int = 0
    complete_visits: int = 0

    @property
    def weeks_due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.weeks_due)

    @property
    def completeness(self) -> Decimal | None:
        return percent(self.complete_visits, self.visits)


@dataclass
class Scorecard:
    person: User
    period: Period
    attainment: AttainmentMeasure = field(default_factory=AttainmentMeasure)
    new_customers: dict[str, int] = field(default_factory=dict)
    travel: TravelMeasure = field(default_factory=TravelMeasure)
    attitude: AttitudeMeasure = field(default_factory=AttitudeMeasure)
    reports: ReportsMeasure = field(default_factory=ReportsMeasure)

    @property
    def new_customer_total(self) -> int:
        return sum(self.new_customers.values())

    def new_customer_counts(self) -> list[int]:
        return [self.new_customers.get(kind, 0) for kind in NEW_CUSTOMER_KINDS]

    def new_customer_breakdown(self) -> list[tuple[str, int]]:
        labels = dict(Channel.choices)
        return [(labels[kind], self.new_customers.get(kind, 0)) for kind in NEW_CUSTOMER_KINDS]


# --- the building blocks, shared by the measures and their explanations ------------------------


def attainment_rows(people, period: Period) -> QuerySet[Attainment]:
    return Attainment.objects.filter(
        salesperson__in=people, month__gte=period.start, month__lt=period.end
    ).order_by("salesperson_id", "month")


def period_sales(people, period: Period) -> QuerySet[Sale]:
    """The sale lines of the period: a range on the stored local month (rules.md §7.2)."""
    return Sale.objects.filter(
        salesperson__in=people, month__gte=period.start, month__lt=period.end
    )


def first_sales(people, period: Period) -> QuerySet[Sale]:
    """Sales of the period that were their customer's first sale ever (rules.md §3.1: the
    moment a prospect becomes a customer), credited to the salesperson who made them."""
    earlier = Sale.objects.filter(customer=OuterRef("customer")).filter(
        Q(sold_at__lt=OuterRef("sold_at")) | Q(sold_at=OuterRef("sold_at"), pk__lt=OuterRef("pk"))
    )
    return period_sales(people, period).filter(~Exists(earlier))


def travel_items(people, period: Period) -> QuerySet[ExpenseItem]:
    """Items of approved claims of the period's months: what rules.md §7.11 counts as cost."""
    return ExpenseItem.objects.filter(
        claim__salesperson__in=people,
        claim__status=ExpenseClaim.Status.APPROVED,
        claim__month__gte=period.start,
        claim__month__lt=period.end,
    )


def period_visits(people, period: Period) -> QuerySet[Visit]:
    return Visit.objects.filter(
        salesperson__in=people, visited_at__gte=period.starts_at, visited_at__lt=period.ends_at
    )


def new_customer_cells(people, period: Period) -> QuerySet[SalesCell]:
    """The rollup's sales cells of the period that won their customer (its first sale on
    record fell in the cell's month, rules.md §10.2)."""
    return SalesCell.objects.filter(
        salesperson__in=people, month__gte=period.start, month__lt=period.end, new_customer=True
    )


def activity_cells(people, period: Period) -> QuerySet[ActivityCell]:
    """The rollup's visit cells of the period's months: visits and complete visit records."""
    return ActivityCell.objects.filter(
        salesperson__in=people, month__gte=period.start, month__lt=period.end
    )


def period_complaints(people, period: Period) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        salesperson__in=people, received_on__gte=period.start, received_on__lt=period.end
    )


def period_ratings(people, period: Period) -> QuerySet[ManagerRating]:
    return ManagerRating.objects.filter(
        salesperson__in=people, month__gte=period.start, month__lt=period.end
    )


def report_weeks(period: Period, now: datetime | None = None) -> list:
    """The Mondays of the period's weeks (a week belongs to the period of its Monday) that have
    begun by now."""
    today = timezone.localdate(now)
    monday = weeks.week_start(period.start)
    if monday < period.start:
        monday += timedelta(days=7)
    mondays = []
    while monday < period.end and monday <= today:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


def week_compliance(people: QuerySet[User], period: Period, now: datetime | None = None):
    """reports' compliance for every week of the period, week by week (one query for all the
    weeks), leaving out the weeks that ended before a person started in the job."""
    mondays = report_weeks(period, now)
    if not mondays:
        return []
    rows = [
        row
        for row in compliance(people, mondays, now=now)
        if row.salesperson.started_on is None
        or row.salesperson.started_on <= row.period + timedelta(days=6)
    ]
    return sorted(rows, key=lambda row: row.period)  # stable: the people's order in each week


# --- the scorecards ---------------------------------------------------------------------------


def scorecards(people: QuerySet[User], period: Period, *, now=None) -> list[Scorecard]:
    """One scorecard per person, in the order of `people`."""
    cards = {person.pk: Scorecard(person=person, period=period) for person in people}
    if not cards:
        return []
    ids = list(cards)
    _add_attainment(cards, ids, period)
    _add_new_customers(cards, ids, period)
    _add_attitude(cards, ids, period)
    _add_reports(cards, people, ids, period, now)
    return list(cards.values())


def _add_attainment(cards, ids, period: Period) -> None:
    first_month_seen = set()
    rows = attainment_rows(ids, period).values(
        "salesperson_id", "month", "quota", "carried_over", "sales", "gross_profit", "travel_cost"
    )
    for row in rows:  # at most six monthly totals per person
        travel = cards[row["salesperson_id"]].travel
        measure = cards[row["salesperson_id"]].attainment
        if row["salesperson_id"] not in first_month_seen:
            first_month_seen.add(row["salesperson_id"])
            measure.carried_in = row["carried_over"]
        measure.sales += row["sales"]
        measure.quota += row["quota"]
        measure.gross_profit += row["gross_profit"]
        measure.scored_months += 1
        # rules.md §10.3: the scores hold each month's approved travel cost beside its profit.
        travel.gross_profit += row["gross_profit"]
        travel.cost += row["travel_cost"]


def _add_new_customers(cards, ids, period: Period) -> None:
    # The cell's channel is the kind: the channel its sale lines were booked in.
    counts = (
        new_customer_cells(ids, period)
        .values("salesperson_id", "channel")
        .annotate(count=Count("customer", distinct=True))
    )
    for row in counts:
        cards[row["salesperson_id"]].new_customers[row["channel"]] = row["count"]


def _add_attitude(cards, ids, period: Period) -> None:
    complaints = period_complaints(ids, period).values("salesperson_id").annotate(count=Count("pk"))
    for row in complaints:
        cards[row["salesperson_id"]].attitude.complaints = row["count"]
    ratings = (
        period_ratings(ids, period)
        .values("salesperson_id")
        .annotate(total=Sum("score"), count=Count("pk"))
    )
    for row in ratings:
        cards[row["salesperson_id"]].attitude.rating_total = row["total"]
        cards[row["salesperson_id"]].attitude.rated_months = row["count"]


def _add_reports(cards, people, ids, period: Period, now) -> None:
    fields = {
        Compliance.ON_TIME: "on_time",
        Compliance.LATE: "late",
        Compliance.MISSING: "missing",
        Compliance.OPEN: "open",
    }
    for row in week_compliance(people, period, now):
        measure = cards[row.salesperson.pk].reports
        setattr(measure, fields[row.state], getattr(measure, fields[row.state]) + 1)
    visits = (
        activity_cells(ids, period)
        .values("salesperson_id")
        .annotate(total=Sum("visits"), complete=Sum("complete_visits"))
    )
    for row in visits:
        cards[row["salesperson_id"]].reports.visits = row["total"]
        cards[row["salesperson_id"]].reports.complete_visits = row["complete"]


def team_total(cards: list[Scorecard], period: Period) -> Scorecard:
    """The team's row: every figure summed and the ratios taken of the sums (not averaged)."""
    total = Scorecard(person=None, period=period)
    for card in cards:
        for name in ("sales", "quota", "carried_in", "gross_profit", "scored_months"):
            setattr(
                total.attainment,
                name,
                getattr(total.attainment, name) + getattr(card.attainment, name),
            )
        for kind, count in card.new_customers.items():
            total.new_customers[kind] = total.new_customers.get(kind, 0) + count
        total.travel.cost += card.travel.cost
        total.travel.gross_profit += card.travel.gross_profit
        for name in ("complaints", "rating_total", "rated_months"):
            setattr(
                total.attitude, name, getattr(total.attitude, name) + getattr(card.attitude, name)
            )
        for name in ("on_time", "late", "missing", "open", "visits", "complete_visits"):
            setattr(total.reports, name, getattr(total.reports, name) + getattr(card.reports, name))
    return total
