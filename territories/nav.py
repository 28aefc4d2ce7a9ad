"""Menu entries for territories (rules.md §2) and cross-territory requests (§2.5)."""

from django.utils.translation import gettext_lazy as _

from salesops.navigation import NavItem
from territories import selectors

DECIDERS = frozenset({"manager", "director", "admin"})


NAV_ITEMS = [
    NavItem(_("Territories"), "territories:regions", order=10, group="territories"),
    # A salesperson files and follows their requests here; the deciders find the same page
    # under Approvals, with the count of requests that wait for them.
    NavItem(
        _("Cross-territory requests"),
        "territories:requests",
        allowed=lambda user: user.role == "salesperson",
        order=11,
        group="territories",
    ),
    NavItem(
        _("Cross-territory requests"),
        "territories:requests",
        roles=DECIDERS,
        count=selectors.pending_decisions_for,
        order=62,
        group="approvals",
    ),
]
