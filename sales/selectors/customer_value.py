"""Customer value, 80/20 (rules.md §11.1): customers ranked by the gross profit they brought in
over twelve months, the top 20% marked. Set-based: one aggregate subquery per customer and a
window function for the rank, so the cost does not grow with the number of sale lines read.

The caller passes the customers to rank (already scoped to the acting user, e.g. through
`customers.selectors.customers_for`), so every higher app reads the same ranking. A dashboard
passes its own sources of each customer's twelve months' gross profit and latest order (the
region rollup's sales cells, which this app may not import); by default both are read from the
sale lines.
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
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank

from customers.models import Customer
from sales.models import Sale
from salesops.months import add_months, current_month

WINDOW_MONTHS = 12  # rules.md §11.1: the last 12 months
TOP_SHARE_PERCENT = 20  # rules.md §11.1: the first 20% of customers
ZERO = Decimal("0.00")
HALF_CENT = Decimal("0.005")
MONEY = DecimalField(max_digits=16, decimal_places=2)


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


# Builds, for a window, a one-value subquery of a customer's (OuterRef "pk") gross profit.
ProfitSource = Callable[[ValueWindow], QuerySet]
# Builds a one-value subquery of a customer's (OuterRef "pk") latest order time.
LastOrderSource = Callable[[], QuerySet]


def with_gross_profit(
    customers: QuerySet[Customer],
    window: ValueWindow,
    profit_source: ProfitSource = sale_line_profit,
    last_order_source: LastOrderSource = sale_line_last_order,
) -> QuerySet[Customer]:
    """Each customer with `gross_profit_12m` (0.00 when it bought nothing in the window) and
    `last_order_at` (its latest sale ever, None when it never bought)."""
    profit = profit_source(window)
    return customers.annotate(
        gross_profit_12m=Coalesce(
            Subquery(profit, output_field=MONEY), Value(ZERO), output_field=MONEY
        ),
        last_order_at=Subquery(last_order_source(), output_field=DateTimeField()),
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
    profit_source: ProfitSource = sale_line_profit,
    last_order_source: LastOrderSource = sale_line_last_order,
) -> Ranking:
    """Rank `customers` (already scoped) by their gross profit over the window, in three
    queries whatever the number of customers or sale lines: the population and total, the
    threshold (the profit at the cutoff place), then the ranked rows when they are read."""
    window = value_window(last_month)
    valued = with_gross_profit(
        customers.filter(status=Customer.Status.CUSTOMER), window, profit_source, last_order_source
    )
    totals = valued.order_by().aggregate(
        population=Count("pk"), total=Sum("gross_profit_12m", output_field=MONEY)
    )
    population = totals["population"] or 0
    cutoff = top_count(population)
    threshold = None
    if cutoff:
        at_cutoff = valued.order_by("-gross_profit_12m").values_list("gross_profit_12m", flat=True)[
            cutoff - 1 : cutoff
        ]
        value = next(iter(at_cutoff), None)
        threshold = value if value is not None and value > 0 else _smallest_positive(valued)
    ranking = Ranking(
        window=window,
        customers=valued,
        population=population,
        cutoff=cutoff,
        threshold=threshold,
        total_gross_profit=totals["total"] or ZERO,
    )
    ranking.customers = valued.annotate(
        value_rank=Window(Rank(), order_by=F("gross_profit_12m").desc()),
        is_top=Case(
            When(ranking.top_q, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    ).order_by("-gross_profit_12m", "name", "pk")
    return ranking


def _smallest_positive(valued: QuerySet[Customer]) -> Decimal | None:
    """When fewer customers than the cutoff made a profit, the top 20% is those who did."""
    positive = valued.filter(gross_profit_12m__gt=0).order_by("gross_profit_12m")
    return positive.values_list("gross_profit_12m", flat=True).first()
