"""Home panels that answer "what needs me now" (issue 11): the seller's trip plans waiting and
customers gone quiet; the manager's team attainment with its total, the region's quiet
customers and blank areas. Each panel costs a fixed number of queries."""

from decimal import Decimal

from django.http import HttpRequest

from sales.home import month_attainments
from salesops import access
from salesops.models import CompanySettings
from salesops.months import current_month
from salesops.navigation import Panel
from salesops.panel_rows import first_rows_with_count
from scorecards import value
from scorecards.measures import percent
from visits import selectors as visit_selectors
from visits.models import TripPlan

PANEL_ROWS = 10
# Plans that wait on the seller (a draft to send, a plan returned for changes) or on a decision.
WAITING_PLAN_STATES = [
    TripPlan.Status.DRAFT,
    TripPlan.Status.RETURNED,
    TripPlan.Status.SUBMITTED,
    TripPlan.Status.MANAGER_APPROVED,
]


def _quiet_customers_panel(customers, scope: str, order: int) -> Panel:
    # The first alerts and their count in one query: the home has many panels to pay for.
    alerts, count = value.first_alerts_with_count(customers, PANEL_ROWS)
    context = {
        "scope": scope,
        "customers": alerts,
        "count": count,
        "days": CompanySettings.current().no_contact_alert_days,
    }
    return Panel("scorecards/_partials/quiet_customers_panel.html", context, order=order)


def _plans_panel(user) -> Panel:
    plans = visit_selectors.my_trip_plans(user).filter(status__in=WAITING_PLAN_STATES)
    rows, count = first_rows_with_count(plans.order_by("starts_on", "pk"), PANEL_ROWS)
    context = {"plans": rows, "count": count}
    return Panel("scorecards/_partials/plans_panel.html", context, order=17)


def _team_attainment_panel(request: HttpRequest) -> Panel:
    """The team's first PANEL_ROWS by rank and the whole team's total: a region of 125
    salespeople wrote 125 rows on every open of the home (docs/performance.md, P1); the team
    attainment page lists them all."""
    managed = {region.pk for region in access.regions_managed(request.user)}
    rows = [row for row in month_attainments(request) if row.region_id in managed]
    context = {
        "month": current_month(),
        "rows": rows[:PANEL_ROWS],
        "team_size": len(rows),
        "total": _total_row(rows),
    }
    return Panel("scorecards/_partials/team_attainment_panel.html", context, order=22)


def _total_row(rows: list) -> dict:
    """The team's row summed from the rows the panel shows (one query fewer than asking the
    database again); attainment is the sum of sales ÷ the sum of targets (rules.md §10.7)."""
    total = {
        name: sum((getattr(row, name) for row in rows), Decimal(0)) if rows else None
        for name in ("quota", "carried_over", "target", "sales")
    }
    total["attainment"] = percent(total["sales"], total["target"])
    return total


def _blank_areas_panel(user) -> Panel:
    regions = [
        {"region": region, "cities": visit_selectors.blank_areas(user, region)}
        for region in access.regions_managed(user)  # read once per request
    ]
    context = {"regions": regions, "days": CompanySettings.current().blank_area_days}
    return Panel("scorecards/_partials/blank_areas_panel.html", context, order=26)


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels = []
    if user.sells:
        panels.append(_plans_panel(user))
    if access.is_manager(user):
        region_customers = value.value_scope(user).filter(
            territory__region__in=access.managed_regions(user)
        )
        panels.append(_quiet_customers_panel(region_customers, "region", order=16))
        panels.append(_team_attainment_panel(request))
        panels.append(_blank_areas_panel(user))
    elif user.sells:
        panels.append(_quiet_customers_panel(value.value_scope(user), "mine", order=16))
    return panels
