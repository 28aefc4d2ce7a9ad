"""rules.md §5.2 state machine: every transition method against every state."""

import pytest
from django_fsm import TransitionNotAllowed

from visits.models import TripPlan

S = TripPlan.Status
ALLOWED = {
    "submit": {S.DRAFT: S.SUBMITTED, S.RETURNED: S.SUBMITTED},
    "approve": {S.SUBMITTED: S.APPROVED},
    "approve_pending_director": {S.SUBMITTED: S.MANAGER_APPROVED},
    "approve_as_director": {S.MANAGER_APPROVED: S.APPROVED},
    "reject": {S.SUBMITTED: S.REJECTED, S.MANAGER_APPROVED: S.REJECTED},
    "return_for_changes": {S.SUBMITTED: S.RETURNED, S.MANAGER_APPROVED: S.RETURNED},
    "complete": {S.APPROVED: S.COMPLETED},
}
PAIRS = [(transition, status) for transition in ALLOWED for status in S.values]


def _plan_in(status) -> TripPlan:
    return TripPlan(status=status)  # a fresh instance may be given its first state


@pytest.mark.parametrize(("transition", "status"), PAIRS)
def test_each_transition_moves_only_from_its_source_states(transition, status):
    plan = _plan_in(status)
    target = ALLOWED[transition].get(status)
    if target is None:
        with pytest.raises(TransitionNotAllowed):
            getattr(plan, transition)()
        assert plan.status == status
    else:
        getattr(plan, transition)()
        assert plan.status == target


def test_rejected_and_completed_are_final():
    for status in (S.REJECTED, S.COMPLETED):
        plan = _plan_in(status)
        assert not [name for name in ALLOWED if status in ALLOWED[name]]
        assert list(plan.get_available_status_transitions()) == []


def test_status_cannot_be_assigned_directly():
    plan = _plan_in(S.DRAFT)
    with pytest.raises(AttributeError):
        plan.status = S.APPROVED
    assert plan.status == S.DRAFT


@pytest.mark.django_db
def test_loaded_plan_cannot_have_its_status_assigned(draft_plan):
    plan = TripPlan.objects.get(pk=draft_plan.pk)
    with pytest.raises(AttributeError):
        plan.status = S.APPROVED
    plan.refresh_from_db()  # the FSM mixin still lets a protected plan reload
    assert plan.status == S.DRAFT


@pytest.mark.django_db
def test_database_refuses_an_unknown_status(draft_plan):
    from django.db import IntegrityError, transaction

    constraint = next(
        c for c in TripPlan._meta.constraints if c.name == "trip_plan_status_is_known"
    )
    assert sorted(constraint.condition.children[0][1]) == sorted(S.values)
    with pytest.raises(IntegrityError), transaction.atomic():
        TripPlan.objects.filter(pk=draft_plan.pk).update(status="teleported")
