"""Panels the expenses app adds to lower apps' pages (salesops.navigation.page_panels)."""

from django.http import HttpRequest

from expenses import selectors
from salesops.navigation import Panel
from visits.models import TripPlan


def trip_plan_panels(request: HttpRequest, *, plan: TripPlan) -> list[Panel]:
    """rules.md §8.7: the month's cap used and what this plan adds; planned vs spent."""
    context = {
        "cap": selectors.expense_cap_for(
            salesperson=plan.salesperson, month=plan.starts_on.replace(day=1), plan=plan
        ),
        "spend": selectors.plan_spend_for(request.user, plan.pk),
    }
    return [Panel("expenses/_partials/trip_plan_panels.html", context, order=10)]
