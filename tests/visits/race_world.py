"""The people and plans of the simultaneous-approval test, built inside the app's own process
(`manage.py shell`) against the database that test's server uses."""

import json

from tests.conftest import build_world
from tests.customers.factories import CustomerFactory
from tests.visits.factories import TripPlanFactory, plan_visit
from visits import services


def build(plans: int) -> None:
    """Print the ids of `plans` plans waiting for the East China manager (under the director's
    threshold, so one approval settles each) and the manager's username."""
    world = build_world()
    waiting = []
    for number in range(plans):
        plan = TripPlanFactory(salesperson=world.salesperson, title=f"杭州回访 {number}")
        customer = CustomerFactory(territory=world.xihu, owner=world.salesperson)
        plan_visit(plan, customer, purpose="回访")
        services.submit_trip_plan(plan=plan, by=world.salesperson)
        waiting.append(plan.pk)
    print(json.dumps({"plans": waiting, "manager": world.manager.username}))
