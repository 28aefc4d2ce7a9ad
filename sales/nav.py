"""Menu entries for sales, quotas and attainment (rules.md §7.1, §7.3, §7.6)."""

from django.utils.translation import gettext_lazy as _

from sales.selectors.attainment import sees_team
from sales.services.bonuses import sees_bonuses
from salesops.navigation import NavItem


def _sells(user) -> bool:
    return user.sells  # the view's own test (sales.views.scoring.my_attainment)


NAV_ITEMS = [
    NavItem(_("Sales"), "sales:list", order=40, group="numbers"),
    NavItem(_("My attainment"), "sales:my_attainment", allowed=_sells, order=41, group="numbers"),
    NavItem(
        _("Team attainment"), "sales:team_attainment", allowed=sees_team, order=42, group="numbers"
    ),
    NavItem(_("Quotas"), "sales:quotas", allowed=sees_team, order=43, group="numbers"),
    NavItem(_("Bonuses"), "sales:bonuses", allowed=sees_bonuses, order=44, group="numbers"),
]
