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
    this_week, month = weeks.current_week(), current_month()
    summary_region = _summary_region(user) if selectors.sees_team(user) else None
    reports = {}
    if user.sells or summary_region is not None:
        # The own week's and month's reports and the region's summary in one query.
        reports = selectors.report_statuses(
            user, week=this_week, month=month, summary_region=summary_region
        )
    if user.sells:
        context = {
            "week_start": this_week,
            "deadline": weeks.deadline(this_week),
            "report": reports["week"],
        }
        panels.append(Panel("reports/_partials/my_week_panel.html", context, order=20))
        context = {
            "month": month,
            "report": reports["month"],
            "deadline": deadlines.monthly_deadline(month),
        }
        panels.append(Panel("reports/_partials/my_month_panel.html", context, order=22))
    if selectors.sees_team(user):
        monday = this_week - timedelta(days=7)
        # The first few by name, and how many in all: the team week page lists them all.
        rows, late_count, count = selectors.team_week_behind(user, monday, PANEL_ROWS)
        context = {"week_start": monday, "rows": rows, "late_count": late_count, "count": count}
        if summary_region is not None:
            context |= {
                "summary_week": this_week,
                "summary": reports["summary"],
                "summary_deadline": deadlines.summary_deadline(this_week),
            }
        panels.append(Panel("reports/_partials/team_week_panel.html", context, order=21))
    return panels
