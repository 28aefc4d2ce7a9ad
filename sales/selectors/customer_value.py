"""Customer value, 80/20 (rules.md §11.1): customers ranked by the gross profit they brought in
over twelve months, the top 20% marked. Set-based: one aggregate subquery per customer and a
window function for the rank, so the cost does not grow with the number of sale lines read.

The caller passes the customers to rank (already scoped to the acting user, e.g. through
`customers.selectors.customers_for`), so every higher app reads the same ranking. A dashboard
passes its own source of each customer's twelve months' gross profit and latest order (the
region rollup's customer values, which this app may not import); by default both are read from
the sale lines.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank, RowNumber

from customers.models import Customer
from sales.models import Sale
from salesops.months import add_months, current_month

WINDOW_MONTHS = 12  # rules.md §11.1: the last 12 months
TOP_SHARE_PERCENT = 20  # rules.md §11.1: the first 20% of customers
ZERO = Decimal("0.00")
HALF_CENT = Decimal("0.005")
MONEY = DecimalField(max_digits=16, decimal_places=2)
# The ranking's order: by gross profit, ties by name (and id, so every list reads the same).
RANKING_ORDER = ("-gross_profit_12m", "name", "pk")


@dataclass(frozen=True)
class ValueWindow:
    """The twelve months ending with `last_month` (the current month to date by default)."""

    last_month: date

    @property
    def first_month(self) -> date:
        return add_months(self.last_month, -(WINDOW_MONTHS - 1))

    @property
    def end(self) -> date:  # exclusive
        return add_months(self.last_month, 1)


def value_window(last_month: date | None = None) -> ValueWindow:
    return ValueWindow(last_month or current_month())


def window_sales(window: ValueWindow) -> QuerySet[Sale]:
    """The sale lines inside the window: a range on the stored local month (rules.md §7.2)."""
    return Sale.objects.filter(month__gte=window.first_month, month__lt=window.end)


def sale_line_profit(window: ValueWindow) -> QuerySet[Sale]:
    """A customer's (OuterRef "pk") gross profit over the window, summed from its sale lines."""
    return (
        window_sales(window)
        .filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(total=Sum("gross_profit"))
        .values("total")
    )


def sale_line_last_order() -> QuerySet[Sale]:
    """A customer's (OuterRef "pk") latest sale line's time, as a one-value subquery."""
    return Sale.objects.filter(customer=OuterRef("pk")).order_by("-sold_at").values("sold_at")[:1]


# Annotates customers with `gross_profit_12m` (0.00 when none) and `last_order_at` for a window.
Valuer = Callable[[QuerySet[Customer], ValueWindow], QuerySet[Customer]]


def with_gross_profit(customers: QuerySet[Customer], window: ValueWindow) -> QuerySet[Customer]:
    """Each customer with `gross_profit_12m` (0.00 when it bought nothing in the window) and
    `last_order_at` (its latest sale ever, None when it never bought), from its sale lines."""
    return customers.annotate(
        gross_profit_12m=Coalesce(
            Subquery(sale_line_profit(window), output_field=MONEY), Value(ZERO), output_field=MONEY
        ),
        last_order_at=Subquery(sale_line_last_order(), output_field=DateTimeField()),
    )


def top_count(population: int) -> int:
    """How many customers make the top 20%: rounded up, so a population of 1–5 has one."""
    return math.ceil(population * TOP_SHARE_PERCENT / 100)


@dataclass
class Ranking:
    """The ranked customers and where the top 20% ends.

    `customers` carries `gross_profit_12m`, `last_order_at`, `value_rank` (equal profit shares
    a rank) and `is_top`. The top 20% is every customer ranked within the first `cutoff`
    places with a positive gross profit: customers tied with the last place are all in, and a
    customer with no gross profit never is (rules.md §11.1).
    """

    window: ValueWindow
    customers: QuerySet[Customer]
    unranked: QuerySet[Customer]  # the same customers and figures, with no rank to compute
    population: int
    cutoff: int
    threshold: Decimal | None  # the lowest gross profit still in the top 20%
    total_gross_profit: Decimal

    @property
    def top_q(self) -> Q:
        if self.threshold is None:
            return Q(pk__in=[])
        # Amounts have two decimals, so nothing lies between the threshold and half a cent
        # below it; the margin absorbs SQLite summing decimals in floating point.
        return Q(gross_profit_12m__gte=self.threshold - HALF_CENT)


def rank_customers(
    customers: QuerySet[Customer],
    *,
    last_month: date | None = None,
    valuer: Valuer = with_gross_profit,
) -> Ranking:
    """Rank `customers` (already scoped) by their gross profit over the window, in two
    queries whatever the number of customers or sale lines: the population, total and
    threshold together, then the ranked rows when they are read. `valuer` says where each
    customer's gross profit and latest order come from (its sale lines by default)."""
    window = value_window(last_month)
    valued = valuer(customers.filter(status=Customer.Status.CUSTOMER), window)
    at_cutoff = _row_at_cutoff(valued)
    population = at_cutoff["population"] if at_cutoff else 0
    threshold = None
    if at_cutoff:
        value = at_cutoff["gross_profit_12m"]
        threshold = value if value is not None and value > 0 else at_cutoff["smallest_positive"]
    ranking = Ranking(
        window=window,
        customers=valued,
        unranked=valued,
        population=population,
        cutoff=top_count(population),
        threshold=threshold,
        total_gross_profit=(at_cutoff["total"] if at_cutoff else None) or ZERO,
    )
    ranking.customers = valued.annotate(
        value_rank=Window(Rank(), order_by=F("gross_profit_12m").desc()),
        is_top=Case(
            When(ranking.top_q, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    ).order_by(*RANKING_ORDER)
    return ranking


def _row_at_cutoff(valued: QuerySet[Customer]) -> dict | None:
    """The customer at the cutoff place (`top_count` of the population, by gross profit) with
    the population, the total gross profit and the smallest positive gross profit (the top 20%
    when fewer customers than the cutoff made a profit), all counted over every customer by
    windows: one query where a count, the cutoff row and the smallest profit took three. None
    when there is nobody to rank."""
    population = Window(Count("pk"))
    positive = Case(When(gross_profit_12m__gt=0, then=F("gross_profit_12m")), output_field=MONEY)
    # top_count in SQL: the population × 20% rounded up, in whole numbers.
    cutoff = (population * TOP_SHARE_PERCENT + 99) / 100
    rows = (
        valued.order_by()
        .annotate(
            place=Window(RowNumber(), order_by=[F("gross_profit_12m").desc(), F("pk").asc()]),
            population=population,
            cutoff_place=ExpressionWrapper(cutoff, output_field=IntegerField()),
            total=Window(Sum("gross_profit_12m", output_field=MONEY)),
            smallest_positive=Window(Min(positive)),
        )
        .filter(place=F("cutoff_place"))
        .values("gross_profit_12m", "population", "total", "smallest_positive")
    )
    return next(iter(rows), None)
