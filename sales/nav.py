"""Menu entries for sales, quotas and attainment (rules.md §7.1, §7.3, §7.6)."""

from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem

SELLERS = access.SELLING_ROLES
LEADS = access.LEAD_ROLES

NAV_ITEMS = [
    NavItem(_("Sales"), "sales:list", order=40),
    NavItem(_("My attainment"), "sales:my_attainment", roles=SELLERS, order=41),
    NavItem(_("Team attainment"), "sales:team_attainment", roles=LEADS, order=42),
    NavItem(_("Quotas"), "sales:quotas", roles=LEADS, order=43),
]
