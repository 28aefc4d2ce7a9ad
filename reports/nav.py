"""Menu entries for the weekly reports (rules.md §9.1, §9.2)."""

from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem


def _sells(user) -> bool:
    return user.sells  # who writes a weekly report


NAV_ITEMS = [
    NavItem(_("Weekly reports"), "reports:weekly", allowed=_sells, order=33, group="field"),
    NavItem(
        _("Team reports"),
        "reports:weekly_team",
        allowed=access.sees_team,
        order=34,
        group="field",
    ),
]
