"""The region rollup in the Numbers menu (rules.md §9.5)."""

from django.utils.translation import gettext_lazy as _

from rollups.levels import may_read_rollups
from salesops.navigation import NavItem

NAV_ITEMS = [
    NavItem(
        _("Region rollup"), "rollups:latest", allowed=may_read_rollups, order=45, group="numbers"
    ),
]
