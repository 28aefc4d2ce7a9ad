"""Home-page panels: the follow-up queue (rules.md §4.6: overdue follow-ups on the dashboards)."""

from django.http import HttpRequest

from customers import selectors
from salesops import access
from salesops.navigation import Panel

PANEL_ROWS = 10


def _queue_panel(queue: dict, scope: str, order: int) -> Panel:
    overdue, overdue_count = queue["overdue"]
    due_today, due_today_count = queue["today"]
    return Panel(
        "customers/_partials/follow_up_panel.html",
        {
            "scope": scope,
            "upgrades": queue["upgrades"],
            "overdue": overdue,
            "overdue_count": overdue_count,
            "due_today": due_today,
            "due_today_count": due_today_count,
        },
        order=order,
    )


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    orders = {}
    if user.sells:
        orders["mine"] = 15
    if access.regions_managed(user):  # read once per request, shared with the other panels
        orders["region"] = 25
    if not orders:
        return []
    # Every scope's lists and counts in two queries: the home has many panels to pay for.
    queues = selectors.follow_up_queues(user, list(orders), PANEL_ROWS)
    return [_queue_panel(queues[scope], scope, order) for scope, order in orders.items()]
