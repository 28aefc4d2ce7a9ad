"""Menu entries for expenses (rules.md §8.1); claims waiting for a decision are under
Approvals ("Waiting for me")."""

from django.utils.translation import gettext_lazy as _

from salesops.navigation import NavItem

NAV_ITEMS = [
    NavItem(_("Expenses"), "expenses:claims", order=50, group="numbers"),
]
