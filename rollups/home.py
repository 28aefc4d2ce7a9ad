"""The director's and head office's home (issue 11): the regions compared this month, the
salespeople ranked by attainment, and the flags raised this month — first-to-target bonuses,
probation, dismissal review and expense claims over the monthly cap."""

from django.db.models import Q, Sum
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
        "best": list(scores.filter(attainment__isnull=False).order_by("-attainment")[:RANKED]),
        "worst": list(scores.filter(attainment__isnull=False).order_by("attainment")[:RANKED]),
        "flags": list(
            scores.filter(
                Q(bonus_flag=True) | Q(probation_flag=True) | Q(dismissal_flag=True)
            ).order_by("region__code", "salesperson__display_name")
        ),
        "over_cap": _claims_over_cap(regions, month),
    }
    return [Panel("rollups/_partials/home_panel.html", context, order=5)]


def _claims_over_cap(regions, month) -> list[ExpenseClaim]:
    """This month's claims (filed, not rejected) above the monthly cap (rules.md §8.5)."""
    cap = CompanySettings.in_force_on(month).monthly_expense_cap
    claims = (
        ExpenseClaim.objects.filter(month=month, region__in=regions)
        .exclude(status__in=[ExpenseClaim.Status.DRAFT, ExpenseClaim.Status.REJECTED])
        .annotate(total=Sum("items__amount"))
        .filter(total__gt=cap)
        .select_related("salesperson", "region")
        .order_by("-total")
    )
    return list(claims[:20])
