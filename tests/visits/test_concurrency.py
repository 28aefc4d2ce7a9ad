"""Two managers decide the same plan at once, on two real database connections (rules.md §1.9)."""

import threading

import pytest
from django.db import connection, connections

from salesops.errors import AlreadyDecided
from tests.factories import UserFactory
from visits import services
from visits.models import TripPlan, TripPlanTransition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL: two connections"
    ),
]


def test_two_managers_approving_at_once_produce_one_transition(personas, make_plan):
    plan = make_plan("submitted")
    second_manager = UserFactory(username="deputy", role="manager", regions=[personas.east])
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(name, user, decision):
        try:
            barrier.wait(timeout=5)
            stale = TripPlan.objects.get(pk=plan.pk)  # both read "submitted"
            services.decide_trip_plan(plan=stale, by=user, decision=decision, comment="ok")
            outcomes[name] = "decided"
        except AlreadyDecided as refusal:
            outcomes[name] = refusal
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("first", personas.manager, "approve")),
        threading.Thread(target=decide, args=("second", second_manager, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(type(value).__name__ for value in outcomes.values()) == ["AlreadyDecided", "str"]
    decisions = TripPlanTransition.objects.filter(plan=plan).exclude(target="submitted")
    assert decisions.count() == 1
    assert TripPlan.objects.get(pk=plan.pk).status == decisions.get().target
