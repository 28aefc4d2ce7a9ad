"""Menu entries for the reports (rules.md §9.1–§9.4)."""

from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem


def _sells(user) -> bool:
    return user.sells  # who writes weekly and monthly reports


NAV_ITEMS = [
    NavItem(_("Weekly reports"), "reports:weekly", allowed=_sells, order=33, group="field"),
    NavItem(_("Monthly reports"), "reports:monthly", allowed=_sells, order=33.5, group="field"),
    NavItem(
        _("Team reports"),
        "reports:weekly_team",
        allowed=access.sees_team,
        order=34,
        group="field",
    ),
    NavItem(
        _("Team monthly reports"),
        "reports:monthly_team",
        allowed=access.sees_team,
        order=34.2,
        group="field",
    ),
    NavItem(
        _("Weekly team summaries"),
        "reports:summaries",
        allowed=access.sees_team,
        order=34.4,
        group="field",
    ),
]
