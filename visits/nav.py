"""Menu entries for trip plans and visits (rules.md §5, §6), and what waits for a decision."""

from django.utils.translation import gettext_lazy as _

from salesops import access, approvals
from salesops.navigation import NavItem

SELLERS = access.SELLER_ROLES


def _sells(user) -> bool:
    return user.sells  # the view's own test (visits.views.visit_new)


def _waiting(user) -> list:
    return [workflow.waiting(user) for workflow in approvals.workflows()]


NAV_ITEMS = [
    NavItem(_("Trip plans"), "visits:plans", roles=SELLERS, order=30, group="field"),
    NavItem(_("Log a visit"), "visits:visit_new", allowed=_sells, order=31, group="field"),
    NavItem(_("Visit log"), "visits:log", order=32, group="field"),
    NavItem(
        _("Waiting for me"),
        "waiting",
        roles=access.DECIDER_ROLES,
        count=_waiting,
        order=60,
        group="approvals",
    ),
]
