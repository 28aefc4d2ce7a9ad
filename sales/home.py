"""Home-page panels: this month's attainment for sellers."""

from django.http import HttpRequest

from sales.selectors import attainment as selectors
from salesops.months import current_month
from salesops.navigation import Panel


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels = []
    if user.sells:
        row = selectors.attainments_for(user).filter(salesperson=user, month=current_month())
        panels.append(Panel("sales/_partials/attainment_panel.html", {"row": row.first()}, 15))
    return panels
