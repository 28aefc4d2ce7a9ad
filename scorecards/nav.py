"""Menu entries: scorecards (rules.md §10) and customer value, 80/20 (rules.md §11)."""

from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem


def _sells(user) -> bool:
    return user.sells


def reads_customer_value(user) -> bool:
    """Sellers rank their own book; managers, directors and head office their scope."""
    return user.sells or access.sees_team(user)


NAV_ITEMS = [
    NavItem(_("My scorecard"), "scorecards:mine", allowed=_sells, order=46, group="numbers"),
    NavItem(
        _("Team scorecards"), "scorecards:team", allowed=access.sees_team, order=47, group="numbers"
    ),
    NavItem(
        _("Customer value, 80/20"),
        "scorecards:customer_value",
        allowed=reads_customer_value,
        order=48,
        group="numbers",
    ),
]
