"""The trip plan's state machine (rules.md §5.6): submit, the approvers' decisions, completion."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from salesops import approvals
from salesops.errors import DomainError
from salesops.models import CompanySettings, User
from visits.models import TripPlan
from visits.services.plans import _check_owner_may_edit, _lock_plan

Status = TripPlan.Status


def _move(plan: TripPlan, transition, *, by: User, comment: str = "") -> TripPlan:
    """Run one transition of the (locked) plan and record it: the log and the audit."""
    return approvals.move(plan, transition, by=by, comment=comment)


@transaction.atomic
def submit_trip_plan(*, plan: TripPlan, by: User) -> TripPlan:
    plan = _lock_plan(plan)
    _check_owner_may_edit(plan, by)
    if not plan.planned_visits.exists():
        raise DomainError(_("Add at least one planned visit before submitting the plan."))
    if plan.starts_on < timezone.localdate():
        # rules.md §5.3: travel needs approval before the trip starts.
        raise DomainError(
            _("The trip has already started; change its dates first."), field="starts_on"
        )
    plan.submitted_at = timezone.now()
    return _move(plan, plan.submit, by=by)


def needs_director(plan: TripPlan) -> bool:
    # rules.md §5.4: above the configurable amount, the sales director approves after the manager.
    return plan.estimated_total > CompanySettings.current().trip_director_threshold


def decision_transition(plan: TripPlan, decision: str):
    """The state-machine method a decision takes at the plan's current state (rules.md §5.4)."""
    if decision == approvals.REJECT:
        return plan.reject
    if decision == approvals.RETURN:
        return plan.return_for_changes
    if plan.status == Status.MANAGER_APPROVED:
        return plan.approve_as_director
    if needs_director(plan):
        return plan.approve_pending_director
    return plan.approve


def decide_trip_plan(*, plan: TripPlan, by: User, decision: str, comment: str = "") -> TripPlan:
    """Approve, reject or return a plan (rules.md §5.2) through the one approval workflow."""
    return approvals.decide(record=plan, by=by, decision=decision, comment=comment)


@transaction.atomic
def complete_trip_plan(*, plan: TripPlan, by: User) -> TripPlan:
    plan = _lock_plan(plan)
    if plan.salesperson_id != by.pk:
        raise DomainError(_("Only the salesperson who made the trip completes it."))
    if not can_proceed(plan.complete):
        raise DomainError(_("Only an approved plan can be completed."))
    if plan.ends_on > timezone.localdate():
        raise DomainError(_("The trip is not over yet."))
    return _move(plan, plan.complete, by=by)
