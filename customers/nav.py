"""Menu entries for customers (rules.md §3, §6.5): the book, handovers and the market."""

from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem

NAV_ITEMS = [
    NavItem(_("Customers"), "customers:list", order=20, group="customers"),
    NavItem(_("Handovers"), "customers:handovers", roles=access.LEAD_ROLES, order=21),
    NavItem(_("Competitors"), "customers:competitors", order=35, group="field"),
]
