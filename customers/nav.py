"""Menu entries for customers (rules.md §3, §6.5): the book, handovers and the market."""

from django.utils.translation import gettext_lazy as _

from salesops.navigation import NavItem

HANDOVER_READERS = frozenset({"manager", "director", "head_office", "admin"})

NAV_ITEMS = [
    NavItem(_("Customers"), "customers:list", order=20, group="customers"),
    NavItem(_("Handovers"), "customers:handovers", roles=HANDOVER_READERS, order=21),
    NavItem(_("Competitors"), "customers:competitors", order=35, group="field"),
]
