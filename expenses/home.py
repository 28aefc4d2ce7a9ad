"""Home-page panels: claims waiting for approvers."""

from django.http import HttpRequest

from expenses.selectors import approval_queue_for
from salesops.navigation import Panel


def home_panels(request: HttpRequest) -> list[Panel]:
    waiting = approval_queue_for(request.user)
    if not waiting.exists():
        return []
    return [Panel("expenses/_partials/expense_queue_panel.html", {"count": waiting.count()}, 25)]
