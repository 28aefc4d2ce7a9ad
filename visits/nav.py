"""Menu entries for trip plans and visits (rules.md §5, §6), and the plans' approval queue."""

from django.utils.translation import gettext_lazy as _

from salesops.navigation import NavItem
from visits import selectors

SELLERS = frozenset({"salesperson", "manager", "admin"})


def _sells(user) -> bool:
    return user.sells


NAV_ITEMS = [
    NavItem(_("Trip plans"), "visits:plans", roles=SELLERS, order=30, group="field"),
    NavItem(_("Log a visit"), "visits:visit_new", allowed=_sells, order=31, group="field"),
    NavItem(_("Visit log"), "visits:log", order=32, group="field"),
    NavItem(
        _("Trip plans to approve"),
        "visits:approvals",
        allowed=selectors.sees_approval_queue,
        count=selectors.approval_queue,
        order=60,
        group="approvals",
    ),
]
