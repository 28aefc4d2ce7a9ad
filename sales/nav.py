"""Menu entries for sales, quotas, attainment and expenses (rules.md §7.1, §7.3, §7.6, §8.1)."""

from django.utils.translation import gettext_lazy as _

from salesops.navigation import NavItem

SELLERS = frozenset({"salesperson", "manager"})
LEADS = frozenset({"manager", "director", "head_office", "admin"})

NAV_ITEMS = [
    NavItem(_("Sales"), "sales:list", order=40),
    NavItem(_("My attainment"), "reports:my_attainment", roles=SELLERS, order=41),
    NavItem(_("Team attainment"), "reports:team_attainment", roles=LEADS, order=42),
    NavItem(_("Quotas"), "reports:quotas", roles=LEADS, order=43),
    NavItem(_("Expenses"), "expenses:claims", order=50),
]
