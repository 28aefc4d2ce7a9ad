from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem

NAV_ITEMS = [
    NavItem(_("Customers"), "customers:list", order=20),
    NavItem(_("Competitors"), "customers:competitors", order=25),
    NavItem(
        _("Handovers"),
        "customers:handovers",
        roles=access.LEAD_ROLES,
        order=80,
    ),
]
