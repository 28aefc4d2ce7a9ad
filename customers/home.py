"""Home-page panels: the follow-up queue (rules.md §4.6: overdue follow-ups on the dashboards)."""

from django.http import HttpRequest

from customers import selectors
from salesops import access
from salesops.navigation import Panel

PANEL_ROWS = 10


def _queue_panel(customers, title_key: str, order: int) -> Panel:
    # Both lists and their counts in one query: the home has many panels to pay for.
    queue = selectors.follow_ups_overdue_and_due_today(customers, PANEL_ROWS)
    overdue, overdue_count = queue["overdue"]
    due_today, due_today_count = queue["today"]
    return Panel(
        "customers/_partials/follow_up_panel.html",
        {
            "scope": title_key,
            "upgrades": selectors.recent_upgrades(customers)[:PANEL_ROWS],
            "overdue": overdue,
            "overdue_count": overdue_count,
            "due_today": due_today,
            "due_today_count": due_today_count,
        },
        order=order,
    )


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels = []
    if user.sells:
        panels.append(_queue_panel(selectors.my_follow_ups(user), "mine", order=15))
    if access.regions_managed(user):  # read once per request, shared with the other panels
        panels.append(_queue_panel(selectors.region_follow_ups(user), "region", order=25))
    return panels
