from django.utils.translation import gettext_lazy as _

from salesops import access
from salesops.navigation import NavItem

SELLERS = access.SELLER_ROLES

NAV_ITEMS = [
    NavItem(_("Trip plans"), "visits:plans", roles=SELLERS, order=30),
    NavItem(_("Log a visit"), "visits:visit_new", roles=SELLERS, order=31),
    NavItem(_("Visit log"), "visits:log", order=32),
    NavItem(_("Waiting for me"), "waiting", roles=access.DECIDER_ROLES, order=33),
]
