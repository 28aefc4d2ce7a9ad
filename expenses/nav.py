"""Menu entries for expenses (rules.md §8.1) and the claims' approval queue (§8.4, §8.5)."""

from django.utils.translation import gettext_lazy as _

from expenses import selectors
from salesops.models import Role
from salesops.navigation import NavItem


def _signs_claims(user) -> bool:
    # The roles `selectors.approval_queue_for` serves (the queue page opens for everyone).
    return user.role in (Role.MANAGER, Role.DIRECTOR) or user.is_admin


NAV_ITEMS = [
    NavItem(_("Expenses"), "expenses:claims", order=50, group="numbers"),
    NavItem(
        _("Expense claims to sign"),
        "expenses:queue",
        allowed=_signs_claims,
        count=selectors.approval_queue_for,
        order=61,
        group="approvals",
    ),
]
