"""The people and plans of the simultaneous-approval test, built inside the app's own process
(`manage.py shell`) against the database that test's server uses."""

import json
from datetime import date
from decimal import Decimal

from expenses import services as claims
from territories import services as requests
from tests.conftest import build_world, give_authenticator
from tests.customers.factories import CustomerFactory
from tests.visits.factories import TripPlanFactory, plan_visit
from visits import services

KINDS = ("trip_plan", "expense_claim", "cross_territory_request")


def build(plans: int) -> None:
    """Print the ids of `plans` plans, expense claims and cross-territory requests waiting for
    the East China manager (plans and claims under the director's threshold and the cap, so
    one approval settles each), the manager's username and, for each kind of request, two of
    their recovery codes (a code signs in once, and each kind's race signs in twice)."""
    world = build_world()
    waiting = []
    for number in range(plans):
        plan = TripPlanFactory(salesperson=world.salesperson, title=f"杭州回访 {number}")
        customer = CustomerFactory(territory=world.xihu, owner=world.salesperson)
        plan_visit(plan, customer, purpose="回访")
        services.submit_trip_plan(plan=plan, by=world.salesperson)
        waiting.append(plan.pk)
    claims_waiting, requests_waiting = [], []
    for number in range(plans):
        claim = claims.open_claim(by=world.salesperson, month=date(2025, 1 + number % 12, 1))
        claims.add_expense_item(
            claim=claim,
            by=world.salesperson,
            spent_on=claim.month.replace(day=8),
            category="lodging",
            amount=Decimal("300"),
            invoice_number=f"RACE-{number:04d}",
        )
        claims_waiting.append(claims.submit_claim(claim=claim, by=world.salesperson).pk)
        customer = CustomerFactory(territory=world.xihu, owner=world.salesperson)
        request = requests.request_cross_territory(
            customer=customer, by=world.colleague, reason="回访"
        )
        requests_waiting.append(request.pk)
    # The manager signs in with the second factor: two tabs, two of their recovery codes for
    # each kind's race.
    give_authenticator(world.manager)
    recovery = world.manager.staticdevice_set.create(name="Recovery codes")
    codes = {
        kind: [f"racecode{2 * index + tab}" for tab in range(2)]  # a token holds 16 characters
        for index, kind in enumerate(KINDS)
    }
    recovery.token_set.bulk_create(
        [
            recovery.token_set.model(device=recovery, token=code)
            for pair in codes.values()
            for code in pair
        ]
    )
    print(
        json.dumps(
            {
                "recovery_codes": codes,
                "trip_plan": waiting,
                "expense_claim": claims_waiting,
                "cross_territory_request": requests_waiting,
                "manager": world.manager.username,
            }
        )
    )
