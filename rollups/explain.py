"""Every rollup figure explains itself (issue 11): the rows it was added up from and the formula.

`explanation(level, measure)` returns the formula as a sentence, the rows (at most 200, largest
first) and their total; the page shows them in place when a figure is clicked (htmx).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from customers.models import Channel
from expenses.models import ExpenseClaim, ExpenseItem
from rollups import selectors
from rollups.levels import Level
from rollups.models import ActivityCell, ChannelQuotaShare, ClassCell, SalesCell, ScoreShare
from sales.models import Attainment, Quota, QuotaChannel
from salesops.money import ZERO
from salesops.templatetags.money import money, percent_of

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
    if level.reads_shares:
        return _score_shares(level, limit)
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
    if level.reads_shares:
        return _travel_shares(level, limit)
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


def _person_month(model, field: str, **where) -> Subquery:
    """The share's person's whole figure of the month (for the rows of a split)."""
    rows = model.objects.filter(
        salesperson=OuterRef("salesperson"), month=OuterRef("month"), **where
    ).order_by()
    return Subquery(rows.values("salesperson").annotate(total=field).values("total")[:1])


def _area_sales(level: Level) -> dict:
    cells = SalesCell.objects.filter(level.where(), month=level.month)
    return {
        key: selectors.cents(value) or ZERO
        for key, value in cells.aggregate(
            sales=Sum("amount"), gross_profit=Sum("gross_profit")
        ).items()
    }


def _score_shares(level: Level, limit: int | None) -> Explanation:
    """A province's or city's quota and target: its part of each person's (rules.md §9.5)."""
    shares = ScoreShare.objects.filter(level.where(), month=level.month, held=True)
    rows = shares.annotate(
        person_quota=_person_month(Attainment, Sum("quota")),
        person_carried=_person_month(Attainment, Sum("carried_over")),
        territories=_person_month(ScoreShare, Count("id"), held=True),
    ).select_related("salesperson", "territory")
    total = shares.aggregate(quota=Sum("quota"), carried=Sum("carried_over"), target=Sum("target"))
    total = {key: selectors.cents(value) for key, value in total.items()}
    sales = _area_sales(level)["sales"]
    return Explanation(
        title=_("Quota and attainment"),
        formula=_(
            "Quotas are set per salesperson (rules.md §7.3). Each person's quota and carry-over of"
            " %(month)s are split evenly, to the cent, over the territories they held in the"
            " month; the cents left over go to the first territories by division code, so the"
            " parts add up to the person's figure (rules.md §9.5). %(scope)s holds the parts"
            " below: target %(target)s; its customers bought %(sales)s, an attainment of"
            " %(attainment)s."
        )
        % {
            "month": f"{level.month:%Y-%m}",
            "scope": level.title,
            "target": _money(total["target"]),
            "sales": _money(sales),
            "attainment": _percent(selectors.ratio(sales, total["target"])),
        },
        headers=[
            _("Salesperson"),
            _("Territory"),
            _("The person's quota"),
            _("The person's carry-over"),
            _("Territories held"),
            _("Quota here"),
            _("Carried over here"),
            _("Target here"),
        ],
        rows=[
            [
                str(share.salesperson),
                str(share.territory),
                selectors.cents(share.person_quota),
                selectors.cents(share.person_carried),
                share.territories,
                share.quota,
                share.carried_over,
                share.target,
            ]
            for share in rows.order_by("-target", "territory__path", "salesperson_id")[:limit]
        ],
        total=["", "", None, None, None, total["quota"], total["carried"], total["target"]],
    )


def _travel_shares(level: Level, limit: int | None) -> Explanation:
    """A province's or city's travel cost: its part of each person's (rules.md §9.5)."""
    shares = ScoreShare.objects.filter(level.where(), month=level.month).exclude(travel_cost=0)
    rows = shares.annotate(
        person_cost=_person_month(Attainment, Sum("travel_cost")),
        person_items=_approved_items(),
        person_visits=_person_month(ScoreShare, Sum("visits")),
    ).select_related("salesperson", "territory")
    cost = selectors.cents(shares.aggregate(cost=Sum("travel_cost"))["cost"])
    gross_profit = _area_sales(level)["gross_profit"]
    return Explanation(
        title=_("Travel cost and efficiency"),
        formula=_(
            "Travel cost is each salesperson's approved expense items of %(month)s (rules.md"
            " §7.11), split over the territories by their on-site visits there that month, or"
            " evenly over the territories they held when they made none, to the cent (rules.md"
            " §9.5). %(scope)s holds %(cost)s against a gross profit of %(gross_profit)s:"
            " travel efficiency %(efficiency)s; lower is better."
        )
        % {
            "month": f"{level.month:%Y-%m}",
            "scope": level.title,
            "cost": _money(cost),
            "gross_profit": _money(gross_profit),
            "efficiency": selectors.ratio(cost, gross_profit) or "—",
        },
        headers=[
            _("Salesperson"),
            _("Territory"),
            _("The person's travel cost"),
            _("The person's approved expense items"),
            _("On-site visits here"),
            _("The person's on-site visits"),
            _("Travel cost here"),
        ],
        rows=[
            [
                str(share.salesperson),
                str(share.territory),
                selectors.cents(share.person_cost),
                share.person_items or 0,
                share.visits,
                share.person_visits or 0,
                share.travel_cost,
            ]
            for share in rows.order_by("-travel_cost", "territory__path", "salesperson_id")[:limit]
        ],
        total=["", "", None, None, None, None, cost],
    )


def _approved_items() -> Subquery:
    """How many approved expense items the share's person claimed for the month: what their
    travel cost adds up (rules.md §7.11)."""
    items = ExpenseItem.objects.filter(
        claim__salesperson=OuterRef("salesperson"),
        claim__month=OuterRef("month"),
        claim__status=ExpenseClaim.Status.APPROVED,
    ).order_by()
    return Subquery(items.values("claim__salesperson").annotate(n=Count("id")).values("n")[:1])


def _channels(level: Level, limit: int | None) -> Explanation:
    """Each channel's quota of the level: the people's channel quotas, or their parts."""
    quotas = selectors.channel_quotas(level, [level.month])
    total = sum((selectors.cents(row["quota"]) for row in quotas), ZERO)
    labels = dict(QuotaChannel.choices)
    rows = _channel_quota_rows(level)
    return Explanation(
        title=_("Quota by channel"),
        formula=_(
            "Each channel's quota is the sum of the quotas the sales director set for that"
            " channel and month per salesperson (rules.md §7.3); a province or a city holds"
            " each person's channel quota split evenly over the territories they held, like the"
            " whole quota (rules.md §9.5). A channel's attainment is its sales ÷ its quota:"
            " carry-over is not kept per channel."
        ),
        headers=[_("Salesperson"), _("Channel"), _("Quota")],
        rows=[
            [row["salesperson__display_name"], labels.get(row["channel"], row["channel"]), quota]
            for row in rows[:limit]
            for quota in [selectors.cents(row["quota"])]
        ],
        total=["", "", total],
    )


def _channel_quota_rows(level: Level):
    """The rows behind the channels' quotas: each person's, or each person's part here."""
    if level.reads_shares:
        rows = ChannelQuotaShare.objects.filter(level.where(), month=level.month)
        quota = Sum("quota")
    else:
        scored = Attainment.objects.filter(
            level.score_where(), salesperson=OuterRef("salesperson"), month=level.month
        )
        rows = Quota.objects.filter(Exists(scored), month=level.month)
        quota = Sum("amount")
    grouped = rows.values("salesperson__display_name", "channel").annotate(quota=quota)
    return grouped.order_by("salesperson__display_name", "channel")


def _money(value: Decimal | None) -> str:
    return money(value) if value is not None else "—"


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
    "channels": _channels,
    "classes": _classes,
    "value": _value_split,
}
MEASURES = list(BUILDERS)
__all__ = ["MEASURES", "explanation"]
