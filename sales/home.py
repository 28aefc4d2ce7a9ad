"""Home-page panels: this month's attainment for sellers, claims waiting for approvers."""

from django.http import HttpRequest

from reports import selectors
from salesops.months import current_month
from salesops.navigation import Panel
from visits.expense_selectors import approval_queue_for


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels = []
    if user.sells:
        row = selectors.attainments_for(user).filter(salesperson=user, month=current_month())
        panels.append(Panel("reports/_partials/attainment_panel.html", {"row": row.first()}, 15))
    waiting = approval_queue_for(user)
    if waiting.exists():
        panels.append(
            Panel("visits/_partials/expense_queue_panel.html", {"count": waiting.count()}, 25)
        )
    return panels
