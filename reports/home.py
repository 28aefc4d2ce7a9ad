"""Home panels: the seller's reports for this week and this month; the team's late and missing
reports of last week, and the manager's own summary of this week."""

from datetime import timedelta

from django.http import HttpRequest

from reports import deadlines, selectors, weeks
from salesops import access
from salesops.months import current_month
from salesops.navigation import Panel

PANEL_ROWS = 10


def _summary_region(user):
    """The first region whose weekly summary the user writes (`selectors.summary_regions`),
    taken from the regions already read for this request."""
    if not access.is_manager(user):
        return None
    return min(access.regions_managed(user), key=lambda region: region.pk, default=None)


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
        month = current_month()
        context = {
            "month": month,
            "report": selectors.my_monthly_report(user, month),
            "deadline": deadlines.monthly_deadline(month),
        }
        panels.append(Panel("reports/_partials/my_month_panel.html", context, order=22))
    if selectors.sees_team(user):
        monday = weeks.current_week() - timedelta(days=7)
        rows = selectors.team_compliance(user, monday)
        overdue = [row for row in rows if row.state != selectors.Compliance.ON_TIME]
        # The first few by name, and how many in all: the team week page lists them all.
        context = {
            "week_start": monday,
            "rows": overdue[:PANEL_ROWS],
            "late_count": len(overdue),
            "count": len(rows),
        }
        region = _summary_region(user)
        if region is not None:
            this_week = weeks.current_week()
            context |= {
                "summary_week": this_week,
                "summary": selectors.summary_of(region, this_week),
                "summary_deadline": deadlines.summary_deadline(this_week),
            }
        panels.append(Panel("reports/_partials/team_week_panel.html", context, order=21))
    return panels
