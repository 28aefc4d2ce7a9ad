"""Reads of the region rollup (rules.md §9.5, §11): every figure of a level, its children side by
side and the series behind the charts, from the rollup tables and the monthly scores only.

Each function runs a fixed number of grouped queries whatever the number of sale lines,
visits or customers: the pages' query counts do not grow with the data.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from math import ceil

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from customers.models import Channel, Customer, CustomerClass
from reports.drafts import QUOTA_CHANNEL_OF
from rollups import kept
from rollups.levels import CITY, COMPANY, PERSON, PROVINCE, REGION, Level
from rollups.models import (
    ActivityCell,
    BlankCity,
    ChannelQuotaShare,
    ClassCell,
    CompetitorCell,
    SalesCell,
    ScoreShare,
)
from sales.models import Attainment, Quota, QuotaChannel
from salesops.models import User
from salesops.money import ZERO
from salesops.months import add_months
from territories.models import Region, Territory

CLASSES = [choice.value for choice in CustomerClass]
# rules.md §10.2: new customers are counted as large terminal customers, small ones and dealers.
NEW_KINDS = {
    "large": [Channel.TERMINAL_LARGE],
    "small": [Channel.TERMINAL_MEDIUM, Channel.TERMINAL_SMALL],
    "dealer": [Channel.DEALER],
}
NEW_KIND_LABELS = {
    "large": _("Large terminal"),
    "small": _("Small terminal"),
    "dealer": _("Dealer"),
}
TOP_SHARE_PERCENT = 20  # rules.md §11.1: the first 20% of customers by gross profit
VALUE_MONTHS = 12
CENT = Decimal("0.01")
CUSTOMER_PAGE_SIZE = 200


def ratio(part, whole) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def change(now, before) -> Decimal | None:
    """now against before as a ratio (+0.125 is 12.5% more); None where before was nothing."""
    if now is None or not before:
        return None
    return ratio(Decimal(now) - Decimal(before), abs(Decimal(before)))


def _sales_measures() -> dict:
    new = Q(new_customer=True)
    measures = {
        "sales": Sum("amount"),
        "gross_profit": Sum("gross_profit"),
        "lines": Sum("lines"),
        "new_customers": Count("customer", distinct=True, filter=new),
    }
    for kind, channels in NEW_KINDS.items():
        measures[f"new_{kind}"] = Count(
            "customer", distinct=True, filter=new & Q(channel__in=channels)
        )
    return measures


SCORE_MEASURES = {
    "quota": Sum("quota"),
    "carried_over": Sum("carried_over"),
    "target": Sum("target"),
    "scored_sales": Sum("sales"),
    "scored_gross_profit": Sum("gross_profit"),
    "travel_cost": Sum("travel_cost"),
    "people": Count("salesperson"),
}
# rules.md §9.5: a region's, a province's or a city's part of its people's scores.
SHARE_MEASURES = {
    "quota": Sum("quota"),
    "carried_over": Sum("carried_over"),
    "target": Sum("target"),
    "travel_cost": Sum("travel_cost"),
    "people": Count("salesperson", distinct=True),
}
PLACED = ("quota", "carried_over", "target", "travel_cost")
# The level's month's scores summed (at least PLACED's measures): the series' read on the rollup
# page, or what a page that read the month's scores already gives the level (`Level.read_once`).
PLACED_TOTALS = "placed_totals"


@dataclass
class Figures:
    """One level's (or one child's) figures for one month."""

    sales: Decimal | None = None
    gross_profit: Decimal | None = None
    lines: int = 0
    new_customers: int = 0
    new_large: int = 0
    new_small: int = 0
    new_dealer: int = 0
    quota: Decimal | None = None
    carried_over: Decimal | None = None
    target: Decimal | None = None
    scored_sales: Decimal | None = None
    scored_gross_profit: Decimal | None = None
    travel_cost: Decimal | None = None
    people: int = 0
    visits: int = 0
    customers_visited: int = 0
    classes: dict[str, int] = field(default_factory=dict)

    @property
    def attainment(self) -> Decimal | None:
        """rules.md §7.6: sales ÷ target, not a number without a target."""
        return ratio(self.scored_sales, self.target)

    @property
    def travel_efficiency(self) -> Decimal | None:
        """rules.md §7.11: travel cost ÷ gross profit; None is "no gross profit"."""
        if self.travel_cost is None or not self.scored_gross_profit:
            return None
        return ratio(self.travel_cost, self.scored_gross_profit)

    @property
    def has_data(self) -> bool:
        return bool(self.lines or self.visits or self.people or any(self.classes.values()))

    def class_counts(self) -> list[int]:
        return [self.classes.get(letter, 0) for letter in CLASSES]


def _months(level: Level) -> list[date]:
    """The month and the twelve before it: the charts' span, holding both comparisons."""
    return [add_months(level.month, offset) for offset in range(-12, 1)]


def _span(level: Level) -> Q:
    months = _months(level)
    return Q(month__gte=months[0], month__lte=months[-1])


def _months_read(level: Level) -> Q:
    """The span of a read that serves both the series and the children table: the month alone
    where the page draws no series."""
    return _span(level) if level.series else Q(month=level.month)


def monthly_figures(level: Level) -> dict[date, Figures]:
    """The level's figures for the month and each of the twelve before it (four queries, read
    once per level: the children and the channels take their part of the same rows)."""
    figures = {month: Figures() for month in _months(level)}
    for row in _sales_by_month(level):
        _fill(figures[row["month"]], {name: row[name] for name in _sales_measures()})
    if level.reads_shares:
        for month, row in _shares_by_month(level).items():
            _fill(figures[month], row)
        for month_figures in figures.values():
            _score_the_area_sales(month_figures)
    else:
        for month, row in _scores_by_month(level).items():
            _fill(figures[month], row)
    for row in _activity_by_child_and_month(level):
        month_figures = figures[row["month"]]
        month_figures.visits += row["visits"] or 0
        month_figures.customers_visited += row["customers_visited"] or 0
    for row in _classes_by_child_and_month(level):
        classes = figures[row["month"]].classes
        classes[row["customer_class"]] = classes.get(row["customer_class"], 0) + row["n"]
    return figures


def _sales_by_month(level: Level) -> list[dict]:
    """The level's sale cells summed per month, with each quota channel's sales and gross
    profit as conditional sums, so the channel table needs no query of its own."""

    def read():
        cells = SalesCell.objects.filter(_span(level) & level.where()).values("month")
        # The channels' sums come first: they read the columns that the sales measures' names
        # then stand for.
        measures = {**_channel_measures(), **_sales_measures()}
        return list(cells.annotate(**measures).order_by())

    return level.read_kept("sales_by_month", read)


def _channel_measures() -> dict:
    measures = {}
    for channel in QuotaChannel.values:
        measures[f"channel_sales_{channel}"] = Sum("amount", filter=_in_quota_channel(channel))
        measures[f"channel_gp_{channel}"] = Sum("gross_profit", filter=_in_quota_channel(channel))
    return measures


def _in_quota_channel(quota_channel: str) -> Q:
    """The sale cells counted in a quota channel; a customer channel without a quota channel of
    its own counts as terminal (rules.md §7.3)."""
    if quota_channel != QuotaChannel.TERMINAL:
        return Q(channel__in=[c for c, q in QUOTA_CHANNEL_OF.items() if q == quota_channel])
    others = [c for c, q in QUOTA_CHANNEL_OF.items() if q != QuotaChannel.TERMINAL]
    return ~Q(channel__in=others)


def _shares_by_month(level: Level) -> dict[date, dict]:
    """The scores placed in the province or city, summed per month."""

    def read():
        shares = ScoreShare.objects.filter(_span(level) & level.where()).values("month")
        return {row.pop("month"): row for row in shares.annotate(**SHARE_MEASURES).order_by()}

    return level.read_kept("shares_by_month", read, cells=(kept.SHARES,))


def _scores_by_month(level: Level) -> dict[date, dict]:
    """The scores of the people in the company, the region or the person, summed per month."""

    def read():
        scores = Attainment.objects.filter(_span(level) & level.score_where()).values("month")
        return {row.pop("month"): row for row in scores.annotate(**SCORE_MEASURES).order_by()}

    return level.read_kept("scores_by_month", read, cells=(kept.SCORES,))


def _activity_by_child_and_month(level: Level) -> list[dict]:
    """Visits per child of the level and month: the series adds the children up, the children
    table reads the month."""
    column = CHILD_FIELD.get(level.kind)

    def read():
        cells = ActivityCell.objects.filter(_months_read(level) & level.where())
        cells = cells.values(*filter(None, [column, "month"]))
        sums = {"visits": Sum("visits"), "customers_visited": Sum("customers_visited")}
        return list(cells.annotate(**sums).order_by())

    return level.read_kept("activity", read, cells=(kept.ACTIVITY,))


def _classes_by_child_and_month(level: Level) -> list[dict]:
    """Customers per class, child of the level and month (the month's end counts)."""
    column = CHILD_FIELD.get(level.kind)
    class_column = "owner" if column == "salesperson" else column

    def read():
        cells = ClassCell.objects.filter(_months_read(level) & level.where(person="owner"))
        cells = cells.values(*filter(None, [class_column, "month", "customer_class"]))
        return list(cells.annotate(n=Sum("customers")).order_by())

    return level.read_kept("classes", read, cells=(kept.CLASSES,))


def _score_the_area_sales(figures: Figures) -> None:
    """A place's attainment and travel efficiency set its share of the target and travel cost
    against the sales and gross profit of its customers (rules.md §9.5)."""
    if figures.target is not None or figures.travel_cost is not None:
        figures.scored_sales = figures.sales or ZERO
        figures.scored_gross_profit = figures.gross_profit or ZERO


def cents(value):
    """A sum of money as the database returned it, to the cent (SQLite widens the scale)."""
    return value.quantize(CENT) if isinstance(value, Decimal) else value


def _fill(figures: Figures, row: dict) -> None:
    for name, value in row.items():
        setattr(figures, name, cents(value))


@dataclass
class Headline:
    month: Figures
    last_month: Figures
    last_year: Figures

    def deltas(self, name: str) -> tuple[Decimal | None, Decimal | None]:
        now = getattr(self.month, name)
        return change(now, getattr(self.last_month, name)), change(
            now, getattr(self.last_year, name)
        )


def headline(level: Level, figures: dict[date, Figures]) -> Headline:
    return Headline(
        figures[level.month],
        figures[add_months(level.month, -1)],
        figures[add_months(level.month, -12)],
    )


# --- the level's children side by side ----------------------------------------------------------

CHILD_FIELD = {COMPANY: "region", REGION: "province", PROVINCE: "city", CITY: "salesperson"}


@dataclass
class ChildRow:
    key: int | None
    name: str
    params: dict[str, str]
    figures: Figures
    last_month: Figures
    last_year: Figures
    linked: bool = True  # False for the part that no region's territory holds

    @property
    def sales_vs_last_month(self):
        return change(self.figures.sales, self.last_month.sales)

    @property
    def sales_vs_last_year(self):
        return change(self.figures.sales, self.last_year.sales)


def children(level: Level) -> list[ChildRow]:
    """The regions, provinces, cities or people below the level, each with its figures and its
    sales a month and a year before (five queries, plus one for the names; the visits, the
    classes and the scores are the rows the level's own figures read)."""
    column = CHILD_FIELD[level.kind]
    months = [level.month, add_months(level.month, -1), add_months(level.month, -12)]
    by_child: dict = defaultdict(lambda: {month: Figures() for month in months})
    for row in _sales_by_child(level, column, months):  # kept rows: read, never changed
        measures = {name: row[name] for name in _sales_measures()}
        _fill(by_child[row[column]][row["month"]], measures)
    for row in _activity_by_child_and_month(level):
        if row["month"] == level.month:
            figures = by_child[row[column]][level.month]
            figures.visits, figures.customers_visited = row["visits"], row["customers_visited"]
    class_column = "owner" if column == "salesperson" else column
    for row in _classes_by_child_and_month(level):
        if row["month"] == level.month:
            by_child[row[class_column]][level.month].classes[row["customer_class"]] = row["n"]
    _fill_child_shares(level, column, by_child)
    if level.kind == COMPANY:
        for region in level.regions:  # every region shows, even one without a sale yet
            by_child[region.pk]
    names = _names(column, [key for key in by_child if key is not None], level.regions)
    rows = [
        ChildRow(
            key,
            *names.get(key, (str(_("The province as a whole")), level.params())),
            figures=months_of_child[level.month],
            last_month=months_of_child[months[1]],
            last_year=months_of_child[months[2]],
        )
        for key, months_of_child in by_child.items()
    ]
    if level.kind == COMPANY:
        rows += _not_placed(level, rows)
    return sorted(rows, key=lambda row: (-(row.figures.sales or 0), row.name))


def _sales_by_child(level: Level, column: str, months: list[date]) -> list[dict]:
    def read():
        sales = SalesCell.objects.filter(level.where(), month__in=months).values(column, "month")
        return list(sales.annotate(**_sales_measures()).order_by())

    return level.read_kept("sales_by_child", read)


def _fill_child_shares(level: Level, column: str, by_child: dict) -> None:
    """Each region's, province's, city's or person's part of the scores placed in the level
    (one query)."""

    def read():
        shares = ScoreShare.objects.filter(level.where(), month=level.month).values(column)
        return {row.pop(column): row for row in shares.annotate(**SHARE_MEASURES).order_by()}

    for child, row in level.read_kept("shares_by_child", read, cells=(kept.SHARES,)).items():
        _fill(by_child[child][level.month], row)
    for months_of_child in by_child.values():
        _score_the_area_sales(months_of_child[level.month])


def _not_placed(level: Level, rows: list[ChildRow]) -> list[ChildRow]:
    """The part of the scores that no region's territory holds: the quotas of people who never
    held a territory (rules.md §9.5), so the regions and this row add up to the company (from
    the scores the level's own figures read, no query of its own)."""
    scored = level.read_once(PLACED_TOTALS, lambda: _scores_by_month(level).get(level.month, {}))
    left = Figures()
    for name in PLACED:
        total = scored.get(name)
        placed = sum((getattr(row.figures, name) or ZERO for row in rows), ZERO)
        setattr(left, name, cents(total - placed) if total is not None else None)
    if not any((left.quota, left.carried_over, left.travel_cost)):
        return []
    name = str(_("Not placed in a territory"))
    return [ChildRow(None, name, {}, left, Figures(), Figures(), linked=False)]


def _names(
    column: str, keys: list[int], regions: list[Region]
) -> dict[int, tuple[str, dict[str, str]]]:
    if column == "region":
        # The level's regions are already read (every cell is of one of them): no query.
        known = {region.pk: region for region in regions if region.pk in set(keys)}
        if len(known) < len(set(keys)):
            known = Region.objects.in_bulk(keys)
        return {pk: (str(r), {"region": r.code}) for pk, r in known.items()}
    if column in ("province", "city"):
        return {t.pk: (str(t), {"area": str(t.pk)}) for t in Territory.objects.filter(pk__in=keys)}
    return {u.pk: (str(u), {}) for u in User.objects.filter(pk__in=keys)}


def child_params(level: Level, row: ChildRow) -> dict[str, str]:
    """Where a child row's link leads: a person is opened within the city they sold in."""
    if level.child_kind == PERSON:
        return {"area": str(level.area.pk), "person": str(row.key)}
    return row.params


# --- a person's customers (the last level) -----------------------------------------------------


@dataclass
class CustomerRow:
    customer: Customer
    sales: Decimal
    gross_profit: Decimal
    lines: int
    new_customer: bool
    last_month: Decimal | None
    last_year: Decimal | None

    @property
    def sales_vs_last_month(self):
        return change(self.sales, self.last_month)

    @property
    def sales_vs_last_year(self):
        return change(self.sales, self.last_year)


def customer_rows(level: Level, page: int = 1) -> tuple[list[CustomerRow], int]:
    """One page (≤ 200) of the person's customers in the month, largest sales first, and the
    number of customers in all (three queries)."""
    cells = SalesCell.objects.filter(level.where(), month=level.month)
    total = cells.values("customer").distinct().count()
    start = (max(page, 1) - 1) * CUSTOMER_PAGE_SIZE
    rows = list(
        cells.values("customer")
        .annotate(
            sales=Sum("amount"),
            gross_profit=Sum("gross_profit"),
            lines=Sum("lines"),
            new=Count("id", filter=Q(new_customer=True)),
        )
        .order_by("-sales", "customer")[start : start + CUSTOMER_PAGE_SIZE]
    )
    ids = [row["customer"] for row in rows]
    before = defaultdict(dict)
    earlier = [add_months(level.month, -1), add_months(level.month, -12)]
    history = SalesCell.objects.filter(level.where(), customer__in=ids, month__in=earlier)
    for row in history.values("customer", "month").annotate(sales=Sum("amount")).order_by():
        before[row["customer"]][row["month"]] = row["sales"]
    customers = Customer.objects.select_related("territory").in_bulk(ids)
    return [
        CustomerRow(
            customers[row["customer"]],
            cents(row["sales"]),
            cents(row["gross_profit"]),
            row["lines"],
            bool(row["new"]),
            cents(before[row["customer"]].get(earlier[0])),
            cents(before[row["customer"]].get(earlier[1])),
        )
        for row in rows
    ], total


# --- 80/20, competitors, blank areas, channels -------------------------------------------------


@dataclass
class ValueSplit:
    customers: int
    top_customers: int
    gross_profit: Decimal
    top_gross_profit: Decimal
    first_month: date

    @property
    def top_share(self) -> Decimal | None:
        return ratio(self.top_gross_profit, self.gross_profit)


def customer_values(level: Level):
    """Customers by their gross profit over the twelve months ending with the level's month."""
    first = add_months(level.month, -(VALUE_MONTHS - 1))
    cells = SalesCell.objects.filter(level.where(), month__gte=first, month__lte=level.month)
    return cells.values("customer").annotate(gp=Sum("gross_profit")).order_by("-gp", "customer")


# The customers in the order of `customer_values`, counted and summed in the database: at the
# company's level at tier L that is 200,000 customers, which are not worth a trip to Python
# for three numbers (docs/performance.md). The top is ⌈20%⌉ of them in whole numbers.
VALUE_SPLIT = """
SELECT COUNT(*), SUM(ranked.gp), SUM(CASE WHEN ranked.place <= ranked.top THEN ranked.gp END)
FROM (
    SELECT ROUND(value.gp, 2) AS gp,
           ROW_NUMBER() OVER (ORDER BY value.gp DESC, value.customer) AS place,
           (COUNT(*) OVER () * %s + 99) / 100 AS top
    FROM ({values}) AS value
) AS ranked
"""


def value_split(level: Level) -> ValueSplit:
    """rules.md §11.1, §11.3: the share of twelve months' gross profit that the first 20% of
    customers (rounded up) brought in. One query, returning one row."""
    customers, gross_profit, top_gross_profit = level.read_kept(
        "value_split", lambda: _split_sums(level)
    )
    return ValueSplit(
        customers=customers,
        top_customers=ceil(customers * TOP_SHARE_PERCENT / 100),
        gross_profit=_money(gross_profit),
        top_gross_profit=_money(top_gross_profit),
        first_month=add_months(level.month, -(VALUE_MONTHS - 1)),
    )


def _split_sums(level: Level) -> tuple:
    sql, params = customer_values(level).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(VALUE_SPLIT.format(values=sql), [TOP_SHARE_PERCENT, *params])
        return cursor.fetchone()


def _money(total) -> Decimal:
    """A raw sum as money (SQLite returns a float, and None for no rows)."""
    return Decimal(str(total)).quantize(CENT) if total is not None else ZERO


def top_competitors(level: Level, limit: int = 3) -> list[dict]:
    """The competitors seen most often in the level's territories this month."""
    cells = CompetitorCell.objects.filter(level.where(person="recorded_by"), month=level.month)
    return list(
        cells.values("competitor__name")
        .annotate(sightings=Sum("sightings"))
        .order_by("-sightings", "competitor__name")[:limit]
    )


def blank_cities(level: Level) -> list[BlankCity]:
    if level.kind == PERSON:
        return []
    cells = BlankCity.objects.filter(level.where(person=None), month=level.month)
    return list(cells.select_related("city").order_by("city__path"))


@dataclass
class ChannelRow:
    """One quota channel (rules.md §7.3) of the level: its sales against its quota. A channel
    has no carry-over of its own, so its attainment is sales ÷ quota."""

    channel: str
    label: str
    sales: dict[date, Decimal] = field(default_factory=dict)
    gross_profit: dict[date, Decimal] = field(default_factory=dict)
    quota: dict[date, Decimal] = field(default_factory=dict)

    def attainment(self, month: date) -> Decimal | None:
        return ratio(self.sales.get(month, ZERO), self.quota.get(month))


def sales_by_channel(level: Level) -> list[dict]:
    """Sales, gross profit, quota and attainment per quota channel, for the month, last month
    and the same month last year (the quotas' query; the sales are the level's monthly read)."""
    months = [level.month, add_months(level.month, -1), add_months(level.month, -12)]
    rows = {value: ChannelRow(value, str(label)) for value, label in QuotaChannel.choices}
    for cell in _sales_by_month(level):
        if cell["month"] not in months:
            continue
        for channel, row in rows.items():
            if cell[f"channel_sales_{channel}"] is not None:
                row.sales[cell["month"]] = cents(cell[f"channel_sales_{channel}"])
                row.gross_profit[cell["month"]] = cents(cell[f"channel_gp_{channel}"])
    for quota in _kept_channel_quotas(level, months):
        rows[quota["channel"]].quota[quota["month"]] = cents(quota["quota"])
    return [_channel_figures(row, months) for row in rows.values() if _has_figures(row, months)]


def _has_figures(row: ChannelRow, months: list[date]) -> bool:
    return any(month in row.sales or month in row.quota for month in months)


def _channel_figures(row: ChannelRow, months: list[date]) -> dict:
    month, last_month, last_year = months
    attainment = row.attainment(month)
    return {
        "channel": row.label,
        "sales": row.sales.get(month),
        "gross_profit": row.gross_profit.get(month),
        "quota": row.quota.get(month),
        "attainment": attainment,
        "attainment_last_month": row.attainment(last_month),
        "attainment_last_year": row.attainment(last_year),
        "sales_vs_last_month": change(row.sales.get(month), row.sales.get(last_month)),
        "sales_vs_last_year": change(row.sales.get(month), row.sales.get(last_year)),
    }


def _kept_channel_quotas(level: Level, months: list[date]) -> list[dict]:
    """`channel_quotas`, kept between requests: head office's rollup at tier L summed 9,000
    quotas of the people scored in three months on every open. The months are the level's
    month, the one before and the same month last year, so the level's key names them."""
    cells = (kept.SHARES,) if level.reads_shares else (kept.SCORES, kept.QUOTAS)
    return level.read_kept(
        "channel_quotas", lambda: list(channel_quotas(level, months)), cells=cells
    )


def channel_quotas(level: Level, months: list[date]):
    """The level's quota per channel and month: a place's shares (rules.md §9.5), or the
    quotas of the people scored in the company, the region or the person (one query)."""
    if level.reads_shares:
        shares = ChannelQuotaShare.objects.filter(level.where(), month__in=months)
        return shares.values("month", "channel").annotate(quota=Sum("quota")).order_by()
    # The months are repeated in the scores' filter: the database then reads the scores of
    # those months alone (by month), not every score of the level to match them against.
    scored = Attainment.objects.filter(
        level.score_where(),
        salesperson=OuterRef("salesperson"),
        month=OuterRef("month"),
        month__in=months,
    )
    quotas = Quota.objects.filter(Exists(scored), month__in=months)
    return quotas.values("month", "channel").annotate(quota=Sum("amount")).order_by()


__all__ = ["CITY", "COMPANY", "PERSON", "PROVINCE", "REGION"]
