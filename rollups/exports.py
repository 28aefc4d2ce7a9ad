"""The rollup tables as rows for CSV and XLSX: a level's children side by side, or at the last
level the person's customers (every one of them, read in chunks)."""

from django.db.models import Count, Q, Sum
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rollups import selectors
from rollups.levels import PERSON, Level
from rollups.models import SalesCell

CHILD_HEADINGS = {
    "region": gettext_lazy("Region"),
    "province": gettext_lazy("Province"),
    "city": gettext_lazy("City"),
    "person": gettext_lazy("Salesperson"),
}


def file_name(level: Level) -> str:
    return f"rollup-{level.month:%Y-%m}-{level.kind}" + (
        f"-{slugify(level.title, allow_unicode=False)}" if level.kind != "company" else ""
    )


def _children_table(level: Level):
    headers = [
        str(CHILD_HEADINGS.get(level.child_kind, _("Name"))),
        _("Sales"),
        _("Sales last month"),
        _("Sales a year before"),
        _("Gross profit"),
        _("Quota"),
        _("Target"),
        _("Attainment"),
        _("New customers"),
        _("New large terminal"),
        _("New small terminal"),
        _("New dealers"),
        _("Visits"),
        _("Travel cost"),
        _("Travel cost ÷ gross profit"),
        "A",
        "B",
        "C",
        "D",
    ]
    rows = (
        [
            row.name,
            row.figures.sales,
            row.last_month.sales,
            row.last_year.sales,
            row.figures.gross_profit,
            row.figures.quota,
            row.figures.target,
            row.figures.attainment,
            row.figures.new_customers,
            row.figures.new_large,
            row.figures.new_small,
            row.figures.new_dealer,
            row.figures.visits,
            row.figures.travel_cost,
            row.figures.travel_efficiency,
            *row.figures.class_counts(),
        ]
        for row in selectors.children(level)
    )
    return headers, rows


def _customers_table(level: Level):
    headers = [
        _("Customer"),
        _("Channel"),
        _("Class"),
        _("Sales"),
        _("Gross profit"),
        _("Lines"),
        _("New customer"),
    ]
    cells = (
        SalesCell.objects.filter(level.where(), month=level.month)
        .values("customer__name", "customer__channel", "customer__customer_class")
        .annotate(
            sales=Sum("amount"),
            gross_profit=Sum("gross_profit"),
            lines=Sum("lines"),
            new=Count("id", filter=Q(new_customer=True)),
        )
        .order_by("-sales", "customer__name")
    )
    rows = (
        [
            row["customer__name"],
            row["customer__channel"],
            row["customer__customer_class"],
            selectors.cents(row["sales"]),
            selectors.cents(row["gross_profit"]),
            row["lines"],
            _("yes") if row["new"] else "",
        ]
        for row in cells.iterator(chunk_size=2000)
    )
    return headers, rows


def table(level: Level):
    """(headers, rows) of the level's table; rows is a generator, so a long list streams."""
    return _customers_table(level) if level.kind == PERSON else _children_table(level)
