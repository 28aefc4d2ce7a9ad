"""Submitting and deciding trip plans (rules.md §5.2) through visits.services."""

from datetime import timedelta
from decimal import Decimal

import pytest

from salesops import approvals
from salesops.errors import AlreadyDecided, DomainError
from salesops.models import AuditEntry, CompanySettings
from territories.models import CrossTerritoryRequest
from tests.visits.factories import TripPlanFactory, plan_visit
from visits import services
from visits.models import TripPlan, TripPlanTransition

S = TripPlan.Status
pytestmark = pytest.mark.django_db


def test_salesperson_submits_a_plan_and_the_transition_is_recorded(personas, draft_plan):
    plan = services.submit_trip_plan(plan=draft_plan, by=personas.salesperson)

    assert plan.status == S.SUBMITTED
    assert plan.submitted_at is not None
    step = TripPlanTransition.objects.get(plan=plan)
    assert (step.source, step.target, step.by) == (S.DRAFT, S.SUBMITTED, personas.salesperson)
    assert AuditEntry.objects.filter(action="visits.trip_plan.submitted").count() == 1


def test_submitting_an_empty_plan_is_refused(personas):
    plan = TripPlanFactory(salesperson=personas.salesperson)
    with pytest.raises(DomainError, match="at least one planned visit"):
        services.submit_trip_plan(plan=plan, by=personas.salesperson)
    plan.refresh_from_db()
    assert plan.status == S.DRAFT
    assert not TripPlanTransition.objects.exists()


def test_a_trip_that_already_started_cannot_be_submitted(personas, draft_plan):
    TripPlan.objects.filter(pk=draft_plan.pk).update(
        starts_on=draft_plan.starts_on - timedelta(days=14)
    )
    with pytest.raises(DomainError, match="already started"):
        services.submit_trip_plan(plan=draft_plan, by=personas.salesperson)


def test_colleague_cannot_submit_someone_elses_plan(personas, draft_plan):
    with pytest.raises(DomainError):
        services.submit_trip_plan(plan=draft_plan, by=personas.colleague)


def test_plan_ending_before_it_starts_is_refused(personas):
    monday = TripPlanFactory.starts_on.function()
    with pytest.raises(DomainError) as refusal:
        services.create_trip_plan(
            by=personas.salesperson,
            title="Back to front",
            starts_on=monday,
            ends_on=monday - timedelta(days=1),
        )
    assert refusal.value.field == "ends_on"
    assert not TripPlan.objects.exists()


def test_planned_visit_outside_the_plans_dates_is_refused(personas, draft_plan, ningbo_customer):
    with pytest.raises(DomainError) as refusal:
        plan_visit(
            draft_plan,
            ningbo_customer,
            day=draft_plan.ends_on + timedelta(days=1),
            purpose="Sample",
        )
    assert refusal.value.field == "day"
    assert draft_plan.planned_visits.count() == 1


def test_planned_visit_across_the_territory_line_is_refused(personas, draft_plan, jiangsu_customer):
    with pytest.raises(DomainError, match="outside your territories") as refusal:
        plan_visit(draft_plan, jiangsu_customer, purpose="Sample")
    assert refusal.value.field == "customer"


def test_planned_visit_across_the_line_is_allowed_with_an_approved_request(
    personas, draft_plan, jiangsu_customer
):
    CrossTerritoryRequest.objects.create(
        requester=personas.salesperson,
        customer=jiangsu_customer,
        reason="Buyer in Hangzhou",
        status=CrossTerritoryRequest.Status.APPROVED,
    )
    planned = plan_visit(draft_plan, jiangsu_customer, purpose="Sample")
    assert planned.plan == draft_plan


def test_manager_approves_a_plan_under_the_threshold(personas, make_plan):
    plan = services.decide_trip_plan(
        plan=make_plan("submitted"), by=personas.manager, decision="approve", comment="Go"
    )
    assert plan.status == S.APPROVED
    assert plan.transitions.last().comment == "Go"


def test_plan_above_the_threshold_goes_to_the_director_after_the_manager(personas, make_plan):
    plan = make_plan("submitted", cost=Decimal("5000.01"))

    plan = services.decide_trip_plan(plan=plan, by=personas.manager, decision="approve")
    assert plan.status == S.MANAGER_APPROVED
    plan = services.decide_trip_plan(plan=plan, by=personas.director, decision="approve")

    assert plan.status == S.APPROVED
    assert [step.target for step in plan.transitions.all()] == [
        S.SUBMITTED,
        S.MANAGER_APPROVED,
        S.APPROVED,
    ]


def test_exactly_the_threshold_needs_only_the_manager(personas, make_plan):
    plan = make_plan("submitted", cost=CompanySettings.current().trip_director_threshold)
    plan = services.decide_trip_plan(plan=plan, by=personas.manager, decision="approve")
    assert plan.status == S.APPROVED


def test_director_can_reject_at_the_second_level(personas, make_plan):
    plan = make_plan("manager_approved", cost=Decimal("8000"))
    plan = services.decide_trip_plan(
        plan=plan, by=personas.director, decision="reject", comment="Too dear"
    )
    assert plan.status == S.REJECTED


@pytest.mark.parametrize("persona", ["other_manager", "colleague", "head_office", "director"])
def test_only_the_plans_own_manager_decides_the_first_level(personas, make_plan, persona):
    plan = make_plan("submitted")
    with pytest.raises(DomainError):
        services.decide_trip_plan(plan=plan, by=getattr(personas, persona), decision="approve")
    plan.refresh_from_db()
    assert plan.status == S.SUBMITTED


def test_salesperson_cannot_approve_own_plan(personas, make_plan):
    with pytest.raises(DomainError):
        services.decide_trip_plan(
            plan=make_plan("submitted"), by=personas.salesperson, decision="approve"
        )


def test_managers_own_trip_is_decided_by_the_director(personas, make_plan):
    plan = make_plan("draft", salesperson=personas.manager)
    # The manager's planned visit must sit in the manager's own territory.
    plan.planned_visits.update(customer=_customer_in(personas.shanghai_city))
    plan = services.submit_trip_plan(plan=plan, by=personas.manager)
    with pytest.raises(DomainError):
        services.decide_trip_plan(plan=plan, by=personas.manager, decision="approve")
    plan = services.decide_trip_plan(plan=plan, by=personas.director, decision="approve")
    assert plan.status == S.APPROVED


def _customer_in(territory):
    from tests.customers.factories import CustomerFactory

    return CustomerFactory(territory=territory)


def test_second_decider_is_told_the_plan_was_already_decided(personas, make_plan):
    plan = make_plan("submitted")
    stale_copy = TripPlan.objects.get(pk=plan.pk)
    services.decide_trip_plan(plan=plan, by=personas.manager, decision="approve")

    with pytest.raises(AlreadyDecided, match="already decided"):
        services.decide_trip_plan(
            plan=stale_copy, by=personas.admin, decision="reject", comment="x"
        )
    assert TripPlanTransition.objects.filter(plan=plan).count() == 2


def test_manager_acting_again_on_a_plan_awaiting_the_director_is_told_it_was_decided(
    personas, make_plan
):
    plan = make_plan("manager_approved", cost=Decimal("9000"))
    with pytest.raises(AlreadyDecided):
        services.decide_trip_plan(plan=plan, by=personas.manager, decision="approve")


@pytest.mark.parametrize("decision", ["reject", "return"])
def test_reject_and_return_need_a_comment(personas, make_plan, decision):
    with pytest.raises(DomainError) as refusal:
        services.decide_trip_plan(
            plan=make_plan("submitted"), by=personas.manager, decision=decision
        )
    assert refusal.value.field == "comment"


def test_returned_plan_can_be_changed_and_submitted_again(personas, make_plan, ningbo_customer):
    plan = make_plan("returned")
    plan_visit(plan, ningbo_customer, purpose="Second call")
    plan = services.submit_trip_plan(plan=plan, by=personas.salesperson)
    assert plan.status == S.SUBMITTED


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected", "completed"])
def test_plan_cannot_be_changed_once_it_left_draft(personas, make_plan, status, ningbo_customer):
    plan = make_plan(status)
    with pytest.raises(DomainError, match="can no longer be changed"):
        plan_visit(plan, ningbo_customer, purpose="Late addition")


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "returned", "completed"])
def test_only_an_approved_plan_can_be_completed(personas, make_plan, status):
    plan = make_plan(status)
    with pytest.raises(DomainError):
        services.complete_trip_plan(plan=plan, by=personas.salesperson)


def test_approved_plan_is_completed_after_the_trip(personas, make_plan):
    plan = make_plan("completed")
    assert plan.status == S.COMPLETED
    assert plan.transitions.last().by == personas.salesperson


def test_approved_plan_cannot_be_completed_before_the_trip_ends(personas, make_plan):
    with pytest.raises(DomainError, match="not over"):
        services.complete_trip_plan(plan=make_plan("approved"), by=personas.salesperson)


@pytest.mark.parametrize("status", ["draft", "approved", "rejected", "returned", "completed"])
def test_plans_not_waiting_for_a_decision_cannot_be_decided(personas, make_plan, status):
    plan = make_plan(status)
    with pytest.raises(AlreadyDecided if status != "draft" else DomainError):
        services.decide_trip_plan(plan=plan, by=personas.manager, decision="approve")
    assert TripPlan.objects.get(pk=plan.pk).status == status


def test_bulk_decision_reports_each_plans_outcome(personas, make_plan):
    first, second = make_plan("submitted"), make_plan("submitted")
    services.decide_trip_plan(plan=second, by=personas.manager, decision="approve")

    outcome = approvals.decide_many(
        records=[first, second], by=personas.manager, decision="approve"
    )

    assert outcome[first.pk] is None
    assert "already decided" in outcome[second.pk]
    assert TripPlan.objects.get(pk=first.pk).status == S.APPROVED


def test_new_dates_that_leave_planned_visits_outside_are_refused(personas, draft_plan):
    later = draft_plan.starts_on + timedelta(days=1)
    with pytest.raises(DomainError, match="outside the new dates"):
        services.update_trip_plan(
            plan=draft_plan,
            by=personas.salesperson,
            title=draft_plan.title,
            starts_on=later,
            ends_on=later + timedelta(days=1),
        )
    draft_plan.refresh_from_db()
    assert draft_plan.starts_on == later - timedelta(days=1)


def test_draft_dates_and_costs_are_changed_with_an_audit_entry(personas, draft_plan):
    plan = services.update_trip_plan(
        plan=draft_plan,
        by=personas.salesperson,
        title="杭州三日",
        starts_on=draft_plan.starts_on,
        ends_on=draft_plan.ends_on,
        estimated_lodging=Decimal("450.00"),
    )
    assert plan.estimated_total == Decimal("450.00")
    assert AuditEntry.objects.filter(
        action="visits.trip_plan.changed", actor=personas.salesperson
    ).exists()


def test_removing_a_planned_visit_reorders_the_day(personas, draft_plan, ningbo_customer):
    planned = plan_visit(draft_plan, ningbo_customer)
    first = draft_plan.planned_visits.exclude(pk=planned.pk).get()
    services.remove_planned_visit(planned_visit=first, by=personas.salesperson)
    planned.refresh_from_db()
    assert planned.route_position == 0
    assert draft_plan.planned_visits.count() == 1
