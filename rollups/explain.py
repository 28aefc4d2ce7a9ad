"""Every rollup figure explains itself (issue 11): the rows it was added up from and the formula.

`explanation(level, measure)` returns the formula as a sentence, the rows (at most 200, largest
first) and their total; the page shows them in place when a figure is clicked (htmx).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.models import Channel
from rollups import selectors
from rollups.levels import Level
from rollups.models import ActivityCell, ClassCell, SalesCell
from sales.models import Attainment
from salesops.templatetags.money import percent_of

ROW_LIMIT = 200


@dataclass
class Explanation:
    title: str
    formula: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    more: int = 0  # rows left out past the limit


def explanation(level: Level, measure: str, *, limit: int | None = ROW_LIMIT) -> Explanation:
    """The figure's formula and rows: at most `limit` on the page, every row (None) in an export."""
    builder = BUILDERS.get(measure)
    if builder is None:
        raise Http404
    return builder(level, limit)


def _sales_cells(level: Level, limit: int | None) -> Explanation:
    cells = SalesCell.objects.filter(level.where(), month=level.month)
    grouped = (
        cells.values(
            "salesperson__display_name", "territory__name_zh", "territory__name_en", "channel"
        )
        .annotate(amount=Sum("amount"), gross_profit=Sum("gross_profit"), lines=Sum("lines"))
        .order_by("-amount", "salesperson__display_name")
    )
    total = cells.aggregate(
        amount=Sum("amount"), gross_profit=Sum("gross_profit"), lines=Sum("lines")
    )
    channels = dict(Channel.choices)
    rows = [
        [
            row["salesperson__display_name"],
            _territory_name(row),
            channels.get(row["channel"], row["channel"]),
            row["lines"],
            row["amount"],
            row["gross_profit"],
        ]
        for row in grouped[:limit]
    ]
    total = {key: selectors.cents(value) for key, value in total.items()}
    return Explanation(
        title=_("Sales and gross profit"),
        formula=_(
            "Sales = the sum of the amounts of every sale line of %(month)s whose customer lies in"
            " %(scope)s; gross profit likewise. The rows are the rollup's cells: salesperson ×"
            " territory × channel, each the sum of its lines."
        )
        % {"month": f"{level.month:%Y-%m}", "scope": level.title},
        headers=[
            _("Salesperson"),
            _("Territory"),
            _("Channel"),
            _("Lines"),
            _("Sales"),
            _("Gross profit"),
        ],
        rows=rows,
        total=["", "", "", total["lines"] or 0, total["amount"], total["gross_profit"]],
        more=max(0, grouped.count() - limit) if limit and len(rows) == limit else 0,
    )


def _territory_name(row: dict) -> str:
    zh = (get_language() or "").startswith("zh")
    return row["territory__name_zh"] if zh else row["territory__name_en"]


def _scores(level: Level, limit: int | None) -> Explanation:
    if not level.reads_scores:
        return Explanation(
            title=_("Quota and attainment"),
            formula=_(
                "Quotas are set per salesperson, not per province or city (rules.md §7.3): open"
                " a salesperson below to see their quota, target and attainment."
            ),
            headers=[],
        )
    scores = Attainment.objects.filter(level.score_where(), month=level.month)
    rows = [
        [
            str(score.salesperson),
            score.quota,
            score.carried_over,
            score.target,
            score.sales,
            selectors.ratio(score.sales, score.target),
        ]
        for score in scores.select_related("salesperson").order_by("-sales")[:limit]
    ]
    total = scores.aggregate(
        quota=Sum("quota"), carried=Sum("carried_over"), target=Sum("target"), sales=Sum("sales")
    )
    return Explanation(
        title=_("Quota and attainment"),
        formula=_(
            "Attainment = sales ÷ target, where each salesperson's target = quota + what was"
            " carried over from the month before (rules.md §7.5, §7.6); the level's attainment"
            " is the sum of its people's sales ÷ the sum of their targets."
        ),
        headers=[
            _("Salesperson"),
            _("Quota"),
            _("Carried over"),
            _("Target"),
            _("Sales"),
            _("Attainment"),
        ],
        rows=rows,
        total=[
            "",
            total["quota"],
            total["carried"],
            total["target"],
            total["sales"],
            selectors.ratio(total["sales"], total["target"]),
        ],
    )


def _travel(level: Level, limit: int | None) -> Explanation:
    if not level.reads_scores:
        return Explanation(
            title=_("Travel cost and efficiency"),
            formula=_(
                "Travel cost is claimed per salesperson, not per province or city (rules.md"
                " §7.11): open a salesperson below to see theirs."
            ),
            headers=[],
        )
    scores = Attainment.objects.filter(level.score_where(), month=level.month)
    rows = [
        [str(score.salesperson), score.travel_cost, score.gross_profit, score.travel_efficiency]
        for score in scores.select_related("salesperson").order_by("-travel_cost")[:limit]
    ]
    total = scores.aggregate(cost=Sum("travel_cost"), gross_profit=Sum("gross_profit"))
    return Explanation(
        title=_("Travel cost and efficiency"),
        formula=_(
            "Travel efficiency = travel cost of the approved expense claims ÷ gross profit, for the"
            " same people and month (rules.md §7.11); lower is better."
        ),
        headers=[_("Salesperson"), _("Travel cost"), _("Gross profit"), _("Efficiency")],
        rows=rows,
        total=[
            "",
            total["cost"],
            total["gross_profit"],
            selectors.ratio(total["cost"], total["gross_profit"]),
        ],
    )


def _new_customers(level: Level, limit: int | None) -> Explanation:
    cells = SalesCell.objects.filter(level.where(), month=level.month, new_customer=True)
    grouped = (
        cells.values("customer__name", "channel", "salesperson__display_name")
        .annotate(amount=Sum("amount"))
        .order_by("channel", "customer__name")
    )
    channels = dict(Channel.choices)
    rows = [
        [
            row["customer__name"],
            channels.get(row["channel"], row["channel"]),
            row["salesperson__display_name"],
            row["amount"],
        ]
        for row in grouped[:limit]
    ]
    return Explanation(
        title=_("New customers"),
        formula=_(
            "A customer is new in the month of its first sale on record (rules.md §10.2): large"
            " terminal customers, small ones (medium and small terminals) and dealers."
        ),
        headers=[_("Customer"), _("Channel"), _("Salesperson"), _("Sales")],
        rows=rows,
        total=[
            _("%(count)s customers") % {"count": cells.values("customer").distinct().count()},
            "",
            "",
            None,
        ],
    )


def _visits(level: Level, limit: int | None) -> Explanation:
    cells = ActivityCell.objects.filter(level.where(), month=level.month)
    grouped = (
        cells.values("salesperson__display_name", "territory__name_zh", "territory__name_en")
        .annotate(visits=Sum("visits"), customers=Sum("customers_visited"))
        .order_by("-visits")
    )
    rows = [
        [row["salesperson__display_name"], _territory_name(row), row["visits"], row["customers"]]
        for row in grouped[:limit]
    ]
    total = cells.aggregate(visits=Sum("visits"), customers=Sum("customers_visited"))
    return Explanation(
        title=_("Visits"),
        formula=_(
            "Visits = every visit and call recorded in %(month)s (local time) in %(scope)s, per"
            " salesperson and territory."
        )
        % {"month": f"{level.month:%Y-%m}", "scope": level.title},
        headers=[_("Salesperson"), _("Territory"), _("Visits"), _("Customers visited")],
        rows=rows,
        total=["", "", total["visits"] or 0, total["customers"] or 0],
    )


def _classes(level: Level, limit: int | None) -> Explanation:
    cells = ClassCell.objects.filter(level.where(person="owner"), month=level.month)
    grouped = (
        cells.values("territory__name_zh", "territory__name_en")
        .annotate(
            **{letter: Sum("customers", filter=Q(customer_class=letter)) for letter in "ABCD"}
        )
        .order_by("territory__name_en")
    )
    rows = [
        [_territory_name(row), *(row[letter] or 0 for letter in "ABCD")] for row in grouped[:limit]
    ]
    total = cells.aggregate(
        **{letter: Sum("customers", filter=Q(customer_class=letter)) for letter in "ABCD"}
    )
    return Explanation(
        title=_("A/B/C/D customers"),
        formula=_(
            "Each customer counts once, in the class it held at the end of the month: the last"
            " class change before the month's last midnight (rules.md §4)."
        ),
        headers=[_("Territory"), "A", "B", "C", "D"],
        rows=rows,
        total=["", *(total[letter] or 0 for letter in "ABCD")],
    )


def _value_split(level: Level, limit: int | None) -> Explanation:
    split = selectors.value_split(level)
    values = list(selectors.customer_values(level).values("customer__name", "gp")[:limit])
    rows = [
        [
            index + 1,
            row["customer__name"],
            row["gp"],
            _("top 20%") if index < split.top_customers else "",
        ]
        for index, row in enumerate(values)
    ]
    return Explanation(
        title=_("80/20 split"),
        formula=_(
            "Customers ranked by gross profit over %(first)s–%(last)s; the first 20%% of them"
            " (%(top)s of %(count)s, rounded up) brought %(share)s of it (rules.md §11.1)."
        )
        % {
            "first": f"{split.first_month:%Y-%m}",
            "last": f"{level.month:%Y-%m}",
            "top": split.top_customers,
            "count": split.customers,
            "share": _percent(split.top_share),
        },
        headers=[_("Rank"), _("Customer"), _("Gross profit, 12 months"), ""],
        rows=rows,
        total=["", "", split.gross_profit, ""],
    )


def _percent(value: Decimal | None) -> str:
    return percent_of(value) if value is not None else "—"


BUILDERS = {
    "sales": _sales_cells,
    "scores": _scores,
    "travel": _travel,
    "new_customers": _new_customers,
    "visits": _visits,
    "classes": _classes,
    "value": _value_split,
}
MEASURES = list(BUILDERS)
__all__ = ["MEASURES", "explanation"]
