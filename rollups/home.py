"""The director's and head office's home (issue 11): the regions compared this month, the
salespeople ranked by attainment, and the flags raised this month — first-to-target bonuses,
probation, dismissal review and expense claims over the monthly cap."""

from django.db.models import F, Q, Sum, Window
from django.db.models.functions import Least, RowNumber
from django.http import HttpRequest

from expenses.models import ExpenseClaim
from rollups import selectors
from rollups.levels import COMPANY, Level
from sales.models import Attainment
from salesops import access
from salesops.models import CompanySettings
from salesops.months import current_month
from salesops.navigation import Panel

RANKED = 5


def reads_the_company(user) -> bool:
    return access.is_director(user) or access.sees_all_regions(user)


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not reads_the_company(user):
        return []
    regions = access.regions_in_scope(user)  # shared with the home page, read once
    if not regions:
        return []
    month = current_month()
    level = Level(COMPANY, month, regions)
    scores = Attainment.objects.filter(month=month, region__in=regions).select_related(
        "salesperson", "region"
    )
    context = {
        "level": level,
        "regions": selectors.children(level),
        **_best_and_worst(scores),
        "flags": list(
            scores.filter(
                Q(bonus_flag=True) | Q(probation_flag=True) | Q(dismissal_flag=True)
            ).order_by("region__code", "salesperson__display_name")
        ),
        "over_cap": _claims_over_cap(regions, month),
    }
    return [Panel("rollups/_partials/home_panel.html", context, order=5)]


def _best_and_worst(scores) -> dict[str, list[Attainment]]:
    """The RANKED highest and lowest attainments of the month, both from one query: each row's
    place counted from the top and from the bottom, kept when either is within RANKED."""
    top = Window(RowNumber(), order_by=[F("attainment").desc(), F("pk").asc()])
    bottom = Window(RowNumber(), order_by=[F("attainment").asc(), F("pk").desc()])
    rows = list(
        scores.filter(attainment__isnull=False)
        .annotate(from_top=top, from_bottom=bottom, place=Least(top, bottom))
        .filter(place__lte=RANKED)
    )
    best = sorted((row for row in rows if row.from_top <= RANKED), key=lambda row: row.from_top)
    worst = [row for row in rows if row.from_bottom <= RANKED]
    return {"best": best, "worst": sorted(worst, key=lambda row: row.from_bottom)}


def _claims_over_cap(regions, month) -> list[ExpenseClaim]:
    """This month's claims (filed, not rejected) above the monthly cap (rules.md §8.5)."""
    # The month's cap is read inside the claims' query: one query fewer on the home.
    cap = CompanySettings.setting_in_force_on(month, "monthly_expense_cap")
    claims = (
        ExpenseClaim.objects.filter(month=month, region__in=regions)
        .exclude(status__in=[ExpenseClaim.Status.DRAFT, ExpenseClaim.Status.REJECTED])
        .annotate(total=Sum("items__amount"))
        .filter(total__gt=cap)
        .select_related("salesperson", "region")
        .order_by("-total")
    )
    return list(claims[:20])
