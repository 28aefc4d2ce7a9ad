from django.http import HttpRequest

from salesops.models import Role
from salesops.navigation import Panel
from visits import selectors


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not (user.role in (Role.MANAGER, Role.DIRECTOR) or user.is_admin):
        return []
    queue = selectors.approval_queue(user)
    context = {"queue": queue[:10], "count": queue.count()}
    return [Panel("visits/_partials/approvals_panel.html", context, order=15)]
