from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem

NAV_ITEMS = [
    NavItem(_("Territories"), "territories:regions", order=10),
    NavItem(
        _("Cross-territory requests"),
        "territories:requests",
        roles=access.FIELD_ROLES,
        order=90,
    ),
]
