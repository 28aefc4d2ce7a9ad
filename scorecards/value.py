"""80/20 for a scope (rules.md §11): the ranking by gross profit (sales.selectors.customer_value),
with each customer's visits and visit cost over the same twelve months, the hand-off
suggestions (§11.2) and the no-contact alert (§11.4). Set-based: a handful of grouped queries
whatever the number of customers, visits or sale lines.

Every figure is read from the derived tables, never from raw lines: each customer's twelve
months' gross profit, visits, visit cost and latest order from its row of the region rollup's
customer values, kept by the rollup jobs from the sales cells, the customer visit cells and each
salesperson's cost per visit (their visit cells and the travel cost of their monthly scores,
`rollups.values`); a customer with one visitor is priced as it is read, its visits times that
rate.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DecimalField,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    RowRange,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from customers.models import Customer, CustomerClass
from customers.selectors import customers_for
from rollups import kept
from rollups.models import priced_visits, visit_cost
from sales.selectors.customer_value import (
    HALF_CENT,
    MONEY,
    RANKING_ORDER,
    ZERO,
    Ladder,
    Ranking,
    ValueWindow,
    by_gross_profit,
    rank_customers,
    ranked_population,
)
from salesops.models import CompanySettings, User
from territories.models import Territory

RATE = DecimalField(max_digits=20, decimal_places=6)

FILTER_TOP, FILTER_HANDOFF, FILTER_ALERT = "top", "handoff", "alert"
FILTERS = (FILTER_TOP, FILTER_HANDOFF, FILTER_ALERT)
MARKS = {FILTER_TOP: "top_mark", FILTER_HANDOFF: "handoff_mark", FILTER_ALERT: "alert_mark"}


@dataclass
class ValueAnalysis:
    ranking: Ranking
    customers: QuerySet[Customer]  # ranked, with visits, visit cost and the three marks
    unranked: QuerySet[Customer]  # the same figures and `last_touch_at`, no rank nor marks
    copied: QuerySet[Customer]  # `unranked`, its figures read from the customers' own rows
    settings: CompanySettings
    # Each mark's condition on a row (FILTERS: top 20%, hand-off, no-contact alert), which
    # `unranked` and `copied` can be filtered or counted on: the top 20% is a threshold read
    # beforehand.
    conditions: dict[str, Q]
    # The no-contact alert is a candidate (a top-20% or class-A customer) last touched at or
    # before `quiet_since`.
    alert_candidates: Q
    quiet_since: datetime
    keep_marks: Callable  # rollups.kept.kept_marks, with the versions this request read

    @property
    def window(self) -> ValueWindow:
        return self.ranking.window


def rollup_values(customers: QuerySet[Customer], window: ValueWindow) -> QuerySet[Customer]:
    """Each customer with `gross_profit_12m`, `last_order_at` and `visits_12m` read from its
    row of the rollup's customer values (`rollups.values`): one join, where summing each
    customer's cells cost one aggregate per customer. A row of another window is stale (the
    month has turned and the job has not yet run) and reads as none."""
    kept = FilteredRelation("rollup_value", condition=Q(rollup_value__last_month=window.last_month))
    return customers.annotate(kept_value=kept).annotate(
        gross_profit_12m=Coalesce(
            F("kept_value__gross_profit_12m"), Value(ZERO), output_field=MONEY
        ),
        last_order_at=F("kept_value__last_order_at"),
        visits_12m=Coalesce(F("kept_value__visits_12m"), Value(0)),
    )


def with_visit_cost(valued: QuerySet[Customer]) -> QuerySet[Customer]:
    """`rollup_values` with `visit_cost_12m`, the visits priced at their salespeople's rates.
    Added after the ranking's ladder is read: the ladder reads the ranking's tables alone, and
    is kept between requests (rollups.kept), where the rates change with every visit."""
    return valued.annotate(
        visit_cost_12m=Coalesce(visit_cost("kept_value__"), Value(ZERO), output_field=RATE)
    )


def copied_values(customers: QuerySet[Customer], window: ValueWindow) -> QuerySet[Customer]:
    """`with_visit_cost(rollup_values(…))`'s figures, under the same names, read from each
    customer's copy of its value row (customers.Customer.value_*, which rollups.values keeps
    equal to the row in the same transaction): what reads every customer of a scope reads
    them here, in the customers' covering index, with no join to the values (at tier L head
    office's counts of the marks joined 200,000 customers to their values on each open). A
    copy of another window stands for no value, as a stale value row does."""
    this_window = Q(value_month=window.last_month)

    def copied(column: str, output_field) -> Case:
        return Case(When(this_window, then=F(column)), output_field=output_field)

    # The copy's named visitors' visits priced at their rates for the copy's window, as the
    # value row's are (rollups.models.visit_cost).
    visit_cost = priced_visits(
        F("value_other_visit_cost"),
        (F("value_visitor_visits"), F("value_visitor_rate__cost_per_visit")),
        (F("value_second_visitor_visits"), F("value_second_visitor_rate__cost_per_visit")),
        (F("value_third_visitor_visits"), F("value_third_visitor_rate__cost_per_visit")),
    )
    return customers.annotate(
        gross_profit_12m=Coalesce(copied("value_gross_profit", MONEY), Value(ZERO)),
        last_order_at=copied("value_last_order_at", DateTimeField()),
        visits_12m=Coalesce(copied("value_visits", IntegerField()), Value(0)),
        visit_cost_12m=Coalesce(
            Case(When(this_window, then=visit_cost), output_field=RATE), Value(ZERO)
        ),
    )


def _one_or_zero(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _row_flag(condition: Q) -> Window:
    """A per-row mark written as a window over the row itself, so that a list filtered on it
    keeps the ranks computed over the whole population (a plain filter would rank only the
    filtered rows). The window runs in the rank's own order, each row's frame the row alone:
    the database sorts the customers once for the rank and every mark (a partition by
    customer sorted them a second time: head office's 80/20 statement at tier M, 491 → 288
    ms)."""
    return Window(
        Max(_one_or_zero(condition)),
        order_by=by_gross_profit(),
        frame=RowRange(start=0, end=0),
    )


def analyse(customers: QuerySet[Customer], *, now=None) -> ValueAnalysis:
    """Rank `customers` (already scoped) and add, per customer: `visits_12m`, `visit_cost_12m`
    (its visits × what a visit of that salesperson costs), `last_touch_at` and the marks
    `top_mark`, `handoff_mark` and `alert_mark` (1 or 0)."""
    # Every customer's gross profit, which gives the population, total, threshold and ranks,
    # is kept while nothing that ranks customers changes (rollups.kept): at tier L, head
    # office's 80/20 read and sorted 200,000 customers for them on every open.
    settings_row, keep, keep_marks = kept.settings_and_keepers()
    ranking = rank_customers(customers, valuer=rollup_values, keep=keep)
    now = now or timezone.now()
    quiet_since = now - timedelta(days=settings_row.no_contact_alert_days)
    last_touch_at = Greatest(
        Coalesce("last_order_at", "created_at"), Coalesce("last_contacted_at", "created_at")
    )
    valued = with_visit_cost(ranking.customers).annotate(last_touch_at=last_touch_at)
    top = ranking.top_q
    # rules.md §11.2: outside the top 20%, at least `handoff_min_visits` visits, and a visit
    # cost of at least `handoff_cost_percent` % of the gross profit (any cost when none).
    handoff = (
        ~top
        & Q(visits_12m__gte=settings_row.handoff_min_visits)
        & Q(
            visit_cost_12m__gte=F("gross_profit_12m")
            * Value(Decimal(settings_row.handoff_cost_percent) / 100, output_field=RATE)
        )
    )
    # rules.md §11.4: a top-20% or class-A customer with neither an order nor a contact for
    # `no_contact_alert_days` days (a customer never contacted counts from its creation).
    alert_candidates = top | Q(customer_class=CustomerClass.A)
    alert = alert_candidates & Q(last_touch_at__lte=quiet_since)
    conditions = {FILTER_TOP: top, FILTER_HANDOFF: handoff, FILTER_ALERT: alert}
    marked = valued.annotate(
        **{MARKS[which]: _row_flag(condition) for which, condition in conditions.items()}
    )
    copied = copied_values(ranked_population(customers), ranking.window)
    return ValueAnalysis(
        ranking=ranking,
        customers=marked,
        unranked=with_visit_cost(ranking.unranked).annotate(last_touch_at=last_touch_at),
        copied=copied.annotate(last_touch_at=last_touch_at),
        settings=settings_row,
        conditions=conditions,
        alert_candidates=alert_candidates,
        quiet_since=quiet_since,
        keep_marks=keep_marks,
    )


def only(analysis: ValueAnalysis, which: str) -> QuerySet[Customer]:
    if which not in MARKS:
        return analysis.customers
    return analysis.customers.filter(**{MARKS[which]: 1})


def value_scope(user: User, territory: Territory | None = None) -> QuerySet[Customer]:
    """The customers the 80/20 page ranks: the user's book, or one territory's subtree of it."""
    customers = customers_for(user)
    if territory is not None:
        customers = customers.filter(territory__path__startswith=territory.path)
    return customers


def no_contact_alerts(customers: QuerySet[Customer], *, now=None) -> QuerySet[Customer]:
    return only(analyse(customers, now=now), FILTER_ALERT)


PANEL_COLUMNS = ("name", "customer_class")


def first_alerts_with_count(
    customers: QuerySet[Customer], limit: int, *, now=None
) -> tuple[list[Customer], int]:
    """The first `limit` no-contact alerts in the ranking's order and how many there are in all,
    in one query (a home panel). The alert is a condition on each row alone (the top 20% is a
    threshold, read beforehand), and the panel shows no rank: so the alerts are picked out
    before anything is counted or sorted, instead of ranking and marking every customer of
    the scope first (the manager's home at tier L: 290 ms for this panel)."""
    analysis = analyse(customers, now=now)
    alerts = (
        analysis.copied.filter(analysis.conditions[FILTER_ALERT])
        .annotate(top_mark=_one_or_zero(analysis.ranking.top_q), alerts_in_all=Window(Count("pk")))
        .order_by(*RANKING_ORDER)
        # What the panel shows, alone, so the customers are read from their covering index
        # (whole rows with their territory and owner spilled to disk: the manager's home at
        # tier L, 180 ms).
        .select_related(None)
        .only(*PANEL_COLUMNS)
    )
    rows = list(alerts[:limit])
    return rows, rows[0].alerts_in_all if rows else 0


def ranked_page(analysis: ValueAnalysis, show: str, number, per_page: int, *, count: int):
    """A page of the ranked list, or of the part of it one mark keeps (`show`), `count`
    customers in all (the ranking's population or the mark's count, already read). The
    database sorts the customers' ids alone, in the ranking's order, and stops at the page
    (`_page_ids`); the page's customers are then read whole with their marks (each a
    condition on the row alone), and each one's rank is looked up on the ranking's ladder.
    Ranking and marking the whole population by windows sorted it in full: head office's
    80/20 at tier L spent 0.6 s on it. The list is not counted again (at tier L, 144 ms)."""
    paginator = Paginator(analysis.unranked.none(), per_page)
    paginator.count = count  # known: the paginator would count the list again
    page = paginator.get_page(number)
    ids = _page_ids(analysis, show, (page.number - 1) * per_page, per_page, count=count)
    conditions = analysis.conditions.items()
    marks = {MARKS[which]: _one_or_zero(condition) for which, condition in conditions}
    found = analysis.unranked.filter(pk__in=ids).annotate(**marks).in_bulk()
    # A customer deleted between the two reads is left out rather than failing the page.
    ladder = analysis.ranking.ladder
    page.object_list = [_ranked(found[pk], ladder) for pk in ids if pk in found]
    return page


def _page_ids(analysis: ValueAnalysis, show: str, offset: int, per_page: int, *, count: int):
    """The ids of a page's customers, in the ranking's order.

    The whole list and the top 20% (its first places) run in gross profit order, so the
    ladder says which gross profits a page spans: the database reads the customers within
    that span alone, through the customer values' index, instead of sorting them all (head
    office's 80/20 at tier L: every one of 200,000 customers for a page of 100). Rows
    without a value, and a span reaching down to no profit, are read by sorting."""
    listed = analysis.unranked
    if show in (FILTER_HANDOFF, FILTER_ALERT):
        # Picked out from every customer of the scope, so read from the copies; the whole
        # list and the top 20% are read a span at a time through the values' index below.
        listed = analysis.copied.filter(analysis.conditions[show])
    elif show == FILTER_TOP:
        listed = listed.filter(analysis.conditions[show])
    ids = listed.order_by(*RANKING_ORDER).values_list("pk", flat=True)
    ladder = analysis.ranking.ladder
    # The ladder (perhaps kept) and the counts are read by different statements: a write
    # committed between the two can make them differ, and no place beyond the ladder is read.
    last = min(offset + per_page, count, ladder.population)
    if show in ("", FILTER_TOP) and last > offset and ladder.at(last) > 0:
        high, low = ladder.at(offset + 1), ladder.at(last)
        # Amounts have two decimals: the half-cent margin holds SQLite's floating point.
        span = (low - HALF_CENT, high + HALF_CENT)
        ids = ids.filter(kept_value__gross_profit_12m__range=span)
        offset -= ladder.rank(high) - 1  # the customers with more, before the span
    return list(ids[offset : offset + per_page])


def _ranked(customer: Customer, ladder: Ladder) -> Customer:
    customer.value_rank = ladder.rank(customer.gross_profit_12m)
    return customer


@dataclass(frozen=True)
class MarkCounts:
    """How many customers of a scope carry each mark, read with the alert's cut-off `since`,
    and the earliest last touch after it among the alert's candidates: the alert's count is
    the same for every cut-off from `since` until that touch (for ever, when none)."""

    top: int
    handoff: int
    alert: int
    since: datetime
    next_touch: datetime | None

    def hold_at(self, quiet_since: datetime) -> bool:
        return self.since <= quiet_since and (
            self.next_touch is None or quiet_since < self.next_touch
        )


def alert_counts(analysis: ValueAnalysis) -> dict[str, int]:
    """How many customers carry each mark, read from the customers' copies of their values,
    which needs no rank, so nothing is sorted (head office's 80/20 at tier M: 159 → 93 ms) and
    no value is read.

    Kept between requests while nothing they read changes (rollups.kept.kept_marks): at tier L
    head office's counts read the covering index's entries of all 200,000 customers, 259 ms of
    a page. The alert moves with the clock: the same statement reads the next candidate's last
    touch after the cut-off, and the kept counts serve each later cut-off until it passes that
    touch (docs/architecture.md, "Customer value, 80/20")."""
    quiet_since = analysis.quiet_since
    conditions = analysis.conditions
    # The key: the statements of the hand-off and of the alert's candidates, which name
    # everything the counts read but the moment (the scope, the window, the threshold of the
    # top 20% and the settings). Their ids alone: the rows a page's scope selects with each
    # customer (its owner and territory) are not read, and a statement that names the users'
    # table would never be kept.
    handoff = analysis.copied.filter(conditions[FILTER_HANDOFF]).values("pk")
    candidates = analysis.copied.filter(analysis.alert_candidates).values("pk")
    later_touches = analysis.alert_candidates & Q(last_touch_at__gt=quiet_since)

    def read() -> MarkCounts:
        sums = analysis.copied.aggregate(
            **{which: Sum(_one_or_zero(conditions[which])) for which in FILTERS},
            next_touch=Min("last_touch_at", filter=later_touches),
        )
        return MarkCounts(
            top=sums[FILTER_TOP] or 0,
            handoff=sums[FILTER_HANDOFF] or 0,
            alert=sums[FILTER_ALERT] or 0,
            since=quiet_since,
            next_touch=sums["next_touch"],
        )

    marks = analysis.keep_marks(
        [handoff, candidates], read, holds=lambda kept: kept.hold_at(quiet_since)
    )
    return {FILTER_TOP: marks.top, FILTER_HANDOFF: marks.handoff, FILTER_ALERT: marks.alert}


__all__ = [
    "MONEY",
    "alert_counts",
    "analyse",
    "first_alerts_with_count",
    "no_contact_alerts",
    "only",
    "ranked_page",
    "value_scope",
]
