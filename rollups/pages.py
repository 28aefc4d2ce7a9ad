"""What a rollup page shows, put together once for the page, the PDF and the e-mail."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from rollups import selectors
from rollups.levels import PERSON, Level


@dataclass
class Kpi:
    label: str
    value: Decimal | int | None
    kind: str  # "money", "percent", "ratio" or "count"
    vs_last_month: Decimal | None
    vs_last_year: Decimal | None
    measure: str  # what its explanation shows (rollups.explain)
    note: str = ""


def kpis(level: Level, headline: selectors.Headline) -> list[Kpi]:
    month = headline.month

    def kpi(label, name, kind, measure, note=""):
        return Kpi(label, getattr(month, name), kind, *headline.deltas(name), measure, note)

    rows = [
        kpi(_("Sales"), "sales", "money", "sales"),
        kpi(_("Gross profit"), "gross_profit", "money", "sales"),
    ]
    rows += [
        kpi(_("Quota"), "quota", "money", "scores"),
        kpi(_("Target (with carry-over)"), "target", "money", "scores"),
        kpi(_("Attainment"), "attainment", "percent", "scores"),
    ]
    rows.append(
        kpi(
            _("New customers"),
            "new_customers",
            "count",
            "new_customers",
            note=_("%(large)s large terminal · %(small)s small · %(dealer)s dealers")
            % {"large": month.new_large, "small": month.new_small, "dealer": month.new_dealer},
        )
    )
    rows.append(kpi(_("Visits"), "visits", "count", "visits"))
    rows += [
        kpi(_("Travel cost"), "travel_cost", "money", "travel"),
        kpi(_("Travel cost ÷ gross profit"), "travel_efficiency", "ratio", "travel"),
    ]
    return rows


def page_context(level: Level, *, page: int = 1) -> dict:
    figures = selectors.monthly_figures(level)
    headline = selectors.headline(level, figures)
    context = {
        "level": level,
        "figures": figures,
        "headline": headline,
        "has_data": headline.month.has_data,
        "kpis": kpis(level, headline),
        "value_split": selectors.value_split(level),
        "competitors": selectors.top_competitors(level),
        "blank_cities": selectors.blank_cities(level),
        "channels": selectors.sales_by_channel(level),
        "classes": selectors.CLASSES,
        "new_kinds": selectors.NEW_KIND_LABELS,
    }
    if level.kind == PERSON:
        rows, total = selectors.customer_rows(level, page)
        pages = max(1, -(-total // selectors.CUSTOMER_PAGE_SIZE))
        context |= {"customers": rows, "customer_total": total, "page": page, "pages": pages}
    else:
        rows = selectors.children(level)
        for row in rows:
            row.link = selectors.child_params(level, row)
        context["children"] = rows
    return context
