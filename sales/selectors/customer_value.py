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
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    DateTimeField,
    DecimalField,
    F,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Rank, Round

from customers.models import Customer
from sales.models import Sale
from salesops.months import add_months, current_month

WINDOW_MONTHS = 12  # rules.md §11.1: the last 12 months
TOP_SHARE_PERCENT = 20  # rules.md §11.1: the first 20% of customers
ZERO = Decimal("0.00")
HALF_CENT = Decimal("0.005")
MONEY = DecimalField(max_digits=16, decimal_places=2)
T = TypeVar("T")
# The ranking's order: by gross profit, ties by name (and id, so every list reads the same).
RANKING_ORDER = ("-gross_profit_12m", "name", "pk")


def by_gross_profit() -> OrderBy:
    """The rank's own order (equal gross profit, equal rank), for a window over the ranking."""
    return F("gross_profit_12m").desc()


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
# Reads a queryset into what a function makes of its rows, now or from a copy kept earlier.
Keeper = Callable[[QuerySet, Callable[[Iterable], T]], T]


def read_now(queryset: QuerySet, make: Callable[[Iterable], T]) -> T:
    return make(queryset)


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


@dataclass(frozen=True)
class Ladder:
    """Every ranked customer's gross profit in whole cents, highest first (stored negated, so
    ascending, for bisect): the population, total, threshold and any customer's rank are
    read from it without asking the database again. 200,000 customers take 1.6 MB."""

    negated: array

    @classmethod
    def of(cls, cents: Iterable[int]) -> "Ladder":
        return cls(array("q", sorted(-amount for amount in cents)))

    @property
    def population(self) -> int:
        return len(self.negated)

    @property
    def total(self) -> Decimal:
        return Decimal(-sum(self.negated)) / 100

    def at(self, place: int) -> Decimal:
        """The gross profit at a place, 1 being the highest."""
        return Decimal(-self.negated[place - 1]) / 100

    def rank(self, gross_profit: Decimal) -> int:
        """1 + how many customers made more (equal profit, equal rank)."""
        return bisect_left(self.negated, -cents(gross_profit)) + 1

    @property
    def smallest_positive(self) -> Decimal | None:
        positive = bisect_left(self.negated, 0)
        return self.at(positive) if positive else None

    def threshold(self, cutoff: int) -> Decimal | None:
        """The lowest gross profit in the top `cutoff` places; the smallest positive one when
        fewer customers made a profit; None when nobody did."""
        if not self.population:
            return None
        value = self.at(cutoff)
        return value if value > 0 else self.smallest_positive


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


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
    ladder: Ladder

    @property
    def population(self) -> int:
        return self.ladder.population

    @property
    def cutoff(self) -> int:
        return top_count(self.population)

    @property
    def threshold(self) -> Decimal | None:
        """The lowest gross profit still in the top 20%."""
        return self.ladder.threshold(self.cutoff)

    @property
    def total_gross_profit(self) -> Decimal:
        return self.ladder.total

    @property
    def top_q(self) -> Q:
        if self.threshold is None:
            return Q(pk__in=[])
        # Amounts have two decimals, so nothing lies between the threshold and half a cent
        # below it; the margin absorbs SQLite summing decimals in floating point.
        return Q(gross_profit_12m__gte=self.threshold - HALF_CENT)


def ranked_population(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """The customers a ranking places: those that have bought, not the prospects."""
    return customers.filter(status=Customer.Status.CUSTOMER)


def rank_customers(
    customers: QuerySet[Customer],
    *,
    last_month: date | None = None,
    valuer: Valuer = with_gross_profit,
    keep: Keeper = read_now,
) -> Ranking:
    """Rank `customers` (already scoped) by their gross profit over the window, in two
    queries whatever the number of customers or sale lines: every customer's gross profit
    (the ladder, which gives the population, total and threshold), then the ranked rows when
    they are read. `valuer` says where each customer's gross profit and latest order come
    from (its sale lines by default), and `keep` how the ladder is read (a caller may keep it
    between requests)."""
    window = value_window(last_month)
    valued = valuer(ranked_population(customers), window)
    ladder = keep(_profits_in_cents(valued), Ladder.of)
    ranking = Ranking(window=window, customers=valued, unranked=valued, ladder=ladder)
    ranking.customers = valued.annotate(
        value_rank=Window(Rank(), order_by=by_gross_profit()),
        is_top=Case(
            When(ranking.top_q, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    ).order_by(*RANKING_ORDER)
    return ranking


def _profits_in_cents(valued: QuerySet[Customer]) -> QuerySet:
    """Each customer's gross profit in whole cents, one narrow column: rounded by the database,
    as SQLite sums decimals in floating point."""
    in_cents = Cast(Round(F("gross_profit_12m") * 100), BigIntegerField())
    return valued.order_by().values_list(in_cents, flat=True)
