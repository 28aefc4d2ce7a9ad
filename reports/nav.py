from django.utils.translation import gettext_lazy as _

from salesops.navigation import NavItem

NAV_ITEMS = [
    NavItem(
        _("Weekly reports"),
        "reports:weekly",
        roles=frozenset({"salesperson", "manager", "director", "head_office", "admin"}),
        order=60,
    ),
    NavItem(
        _("Team reports"),
        "reports:weekly_team",
        roles=frozenset({"manager", "director", "head_office", "admin"}),
        order=61,
    ),
]
