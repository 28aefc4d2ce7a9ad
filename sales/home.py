"""Home-page panels: this month's attainment for sellers."""

from django.http import HttpRequest

from sales.models import Attainment
from sales.selectors.attainment import team_attainment
from salesops.months import current_month
from salesops.navigation import Panel


def month_attainments(request: HttpRequest) -> list[Attainment]:
    """This month's attainment rows the user sees, in the team order, read once per request:
    the seller's own panel and a manager's team panel (scorecards) both show them, and a
    team's rows are a team's size however many months are scored."""
    if not hasattr(request, "_salesops_month_attainments"):
        rows = list(team_attainment(request.user, current_month()))
        request._salesops_month_attainments = rows
    return request._salesops_month_attainments


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels = []
    if user.sells:
        rows = month_attainments(request)
        row = next((row for row in rows if row.salesperson_id == user.pk), None)
        panels.append(Panel("sales/_partials/attainment_panel.html", {"row": row}, 15))
    return panels
