"""Menu entries for territories (rules.md §2) and cross-territory requests (§2.5)."""

from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem

NAV_ITEMS = [
    NavItem(_("Territories"), "territories:regions", order=10, group="territories"),
    # A salesperson files and follows their requests here; the deciders find what waits for
    # them under Approvals ("Waiting for me").
    NavItem(
        _("Cross-territory requests"),
        "territories:requests",
        roles=access.FIELD_ROLES,
        order=11,
        group="territories",
    ),
]
