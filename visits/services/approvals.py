"""The trip plan's state machine (rules.md §5.6): submit, the approvers' decisions, completion."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from salesops import access, audit
from salesops.errors import AlreadyDecided, DomainError
from salesops.models import CompanySettings, Role, User
from territories.models import Region
from visits.models import (
    DECIDABLE_STATUSES,
    TripPlan,
    TripPlanTransition,
)
from visits.services.plans import _check_owner_may_edit, _lock_plan

Status = TripPlan.Status


def _move(plan: TripPlan, transition, *, by: User, comment: str = "") -> TripPlan:
    """Run one transition of the plan and record it (who, when, comment) and in the audit."""
    source = plan.status
    transition()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    TripPlanTransition.objects.create(
        plan=plan, source=source, target=plan.status, by=by, comment=comment
    )
    audit.record(
        f"visits.trip_plan.{plan.status}",
        actor=by,
        target=plan,
        changes={"from": source, "to": plan.status, "comment": comment},
    )
    return plan


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


def is_first_level_approver(user: User, plan: TripPlan) -> bool:
    """The plan's own regional manager; a manager's own trip goes to the director instead."""
    if user.pk == plan.salesperson_id and not user.is_admin:
        return False
    if plan.salesperson.role == Role.MANAGER:
        return is_director_of(user, plan.region)
    return access.is_regional_manager_of(user, plan.region)


def is_director_of(user: User, region: Region) -> bool:
    if not access.is_active_user(user):
        return False
    return user.is_admin or (
        user.role == Role.DIRECTOR and access.managed_regions(user).filter(pk=region.pk).exists()
    )


def may_decide(user: User, plan: TripPlan) -> bool:
    """Whether the plan, in its current state, waits for this user's decision."""
    if plan.status == Status.SUBMITTED:
        return is_first_level_approver(user, plan)
    if plan.status == Status.MANAGER_APPROVED:
        return user.pk != plan.salesperson_id and is_director_of(user, plan.region)
    return False


DECISIONS = ("approve", "reject", "return")


@transaction.atomic
def decide_trip_plan(*, plan: TripPlan, by: User, decision: str, comment: str = "") -> TripPlan:
    """Approve, reject or return a plan (rules.md §5.2).

    1. Lock the row, so of two deciders at once the second waits and then sees the first's
       decision (and is told so).
    2. Check this user decides the plan at its current level (manager, then director).
    3. Move the state; a manager's approval above the threshold waits for the director.
    """
    if decision not in DECISIONS:
        raise DomainError(_("Choose approve, reject or return."), field="decision")
    plan = _lock_plan(plan)
    if plan.status == Status.DRAFT:
        raise DomainError(_("This plan has not been submitted."))
    if plan.status not in DECIDABLE_STATUSES or (
        plan.status == Status.MANAGER_APPROVED
        and not may_decide(by, plan)
        and is_first_level_approver(by, plan)
    ):
        last = plan.transitions.select_related("by").last()
        raise AlreadyDecided(
            _("This plan was already decided: %(status)s by %(who)s.")
            % {"status": plan.get_status_display(), "who": last.by if last else "—"}
        )
    if not may_decide(by, plan):
        raise DomainError(_("This plan does not wait for your decision."))
    if decision != "approve" and not comment.strip():
        raise DomainError(
            _("Say why in a comment when you reject or return a plan."), field="comment"
        )
    if decision == "reject":
        return _move(plan, plan.reject, by=by, comment=comment)
    if decision == "return":
        return _move(plan, plan.return_for_changes, by=by, comment=comment)
    if plan.status == Status.MANAGER_APPROVED:
        return _move(plan, plan.approve_as_director, by=by, comment=comment)
    if needs_director(plan):
        return _move(plan, plan.approve_pending_director, by=by, comment=comment)
    return _move(plan, plan.approve, by=by, comment=comment)


def decide_trip_plans(
    *, plans: list[TripPlan], by: User, decision: str, comment: str = ""
) -> dict[int, str | None]:
    """Several plans at once: each in its own transaction; returns {plan id: refusal or None}."""
    outcome = {}
    for plan in plans:
        try:
            decide_trip_plan(plan=plan, by=by, decision=decision, comment=comment)
        except DomainError as refusal:
            outcome[plan.pk] = refusal.message
        else:
            outcome[plan.pk] = None
    return outcome


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
