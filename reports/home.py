"""Home panels: the seller's report for this week; the team's late and missing last week."""

from datetime import timedelta

from django.http import HttpRequest

from reports import selectors, weeks
from salesops.navigation import Panel


def home_panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    panels = []
    if user.sells:
        monday = weeks.current_week()
        report = selectors.my_report_for_week(user, monday)
        context = {
            "week_start": monday,
            "deadline": weeks.deadline(monday),
            "report": report,
        }
        panels.append(Panel("reports/_partials/my_week_panel.html", context, order=20))
    if selectors.sees_team(user):
        monday = weeks.current_week() - timedelta(days=7)
        rows = selectors.team_compliance(user, monday)
        overdue = [row for row in rows if row.state != selectors.Compliance.ON_TIME]
        context = {"week_start": monday, "rows": overdue, "count": len(rows)}
        panels.append(Panel("reports/_partials/team_week_panel.html", context, order=21))
    return panels
