"""One way to decide (salesops.approvals, rules.md §1.5, §1.6, §1.8, §1.9)."""

import pytest
from django.urls import reverse

from tests.customers.factories import CustomerFactory
from tests.visits.factories import PlannedVisitFactory, TripPlanFactory
from visits import services as plan_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_plan(personas):
    plan = TripPlanFactory(salesperson=personas.salesperson)
    PlannedVisitFactory(plan=plan, customer=CustomerFactory(territory=personas.xihu))
    return plan


def _move_to_south(person, personas):
    person.regions.set([personas.south])
    person.assignments.update(ended_on=person.assignments.first().started_on)


def test_a_plan_stays_with_its_region_after_the_salesperson_moves(personas, login, draft_plan):
    plan_services.submit_trip_plan(plan=draft_plan, by=personas.salesperson)
    _move_to_south(personas.salesperson, personas)

    for person in (personas.manager, personas.director, personas.salesperson):
        client = login(person)
        assert client.get(reverse("visits:plan", args=[draft_plan.pk])).status_code == 200
    assert (
        login(personas.other_manager).get(reverse("visits:plan", args=[draft_plan.pk])).status_code
        == 404
    )
