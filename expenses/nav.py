"""Menu entries for expenses (rules.md §8.1) and the claims' approval queue (§8.4, §8.5)."""

from django.utils.translation import gettext_lazy as _

from expenses import selectors
from salesops import access
from salesops.navigation import NavItem


def _signs_claims(user) -> bool:
    return access.managed_regions(user).exists()


def _claims_waiting(user) -> int:
    return selectors.approval_queue_for(user).count()


NAV_ITEMS = [
    NavItem(_("Expenses"), "expenses:claims", order=50, group="numbers"),
    NavItem(
        _("Expense claims to sign"),
        "expenses:queue",
        allowed=_signs_claims,
        count=_claims_waiting,
        order=61,
        group="approvals",
    ),
]
