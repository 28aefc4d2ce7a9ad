"""Trip plans and planned visits (rules.md §5.1, §5.2, §5.5): drafting, routes, the approval state
machine and the handover of open plans. The only writers."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from customers.models import Customer
from salesops import access, audit
from salesops.errors import AlreadyDecided, DomainError, OutsideTerritory
from salesops.models import CompanySettings, Role, User
from territories.models import Region, Territory
from visits import routes
from visits.models import (
    DECIDABLE_STATUSES,
    PlannedVisit,
    TripPlan,
    TripPlanTransition,
)

COST_FIELDS = [
    "estimated_lodging",
    "estimated_transport",
    "estimated_phone",
    "estimated_entertainment",
    "estimated_other",
]


Status = TripPlan.Status


def check_territory_line(*, user: User, customer: Customer, field: str = "customer") -> None:
    """No visits or plans across territory lines unless the manager approved a request."""
    if access.may_work_customer(user, customer):
        return
    raise OutsideTerritory(
        _(
            "%(customer)s is outside your territories. Ask your regional manager for a "
            "cross-territory request first."
        )
        % {"customer": customer},
        customer=customer,
        field=field,
    )


# --- trip plans -------------------------------------------------------------------------------


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise DomainError(_("The trip cannot end before it starts."), field="ends_on")


def _region_of(user: User) -> Region:
    region = user.regions.order_by("code").first()
    if region is None or not user.sells:
        raise DomainError(_("Only a salesperson of a region plans trips."))
    return region


@transaction.atomic
def create_trip_plan(
    *,
    by: User,
    title: str,
    starts_on: date,
    ends_on: date,
    cities: list[Territory] | None = None,
    **costs: Decimal,
) -> TripPlan:
    _check_dates(starts_on, ends_on)
    plan = TripPlan.objects.create(
        salesperson=by,
        region=_region_of(by),
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        **{field: costs.get(field) or Decimal("0.00") for field in COST_FIELDS},
    )
    plan.cities.set(cities or [])
    audit.record(
        "visits.trip_plan.created",
        actor=by,
        target=plan,
        changes={"starts_on": starts_on, "ends_on": ends_on, **costs},
    )
    return plan


def _lock_plan(plan: TripPlan) -> TripPlan:
    return (
        TripPlan.objects.select_for_update(of=("self",))
        .select_related("region", "salesperson")
        .get(pk=plan.pk)
    )


def _check_owner_may_edit(plan: TripPlan, by: User) -> None:
    if plan.salesperson_id != by.pk:
        raise DomainError(_("Only the salesperson who drafted the plan changes it."))
    if not plan.is_editable:
        raise DomainError(
            _("A %(status)s plan can no longer be changed.")
            % {"status": plan.get_status_display().lower()}
        )


@transaction.atomic
def update_trip_plan(
    *,
    plan: TripPlan,
    by: User,
    title: str,
    starts_on: date,
    ends_on: date,
    cities: list[Territory] | None = None,
    **costs: Decimal,
) -> TripPlan:
    plan = _lock_plan(plan)
    _check_owner_may_edit(plan, by)
    _check_dates(starts_on, ends_on)
    if plan.planned_visits.exclude(day__range=(starts_on, ends_on)).exists():
        raise DomainError(
            _("Some planned visits fall outside the new dates; move or remove them first."),
            field="starts_on",
        )
    plan.title, plan.starts_on, plan.ends_on = title, starts_on, ends_on
    for field in COST_FIELDS:
        setattr(plan, field, costs.get(field) or Decimal("0.00"))
    plan.save(update_fields=["title", "starts_on", "ends_on", *COST_FIELDS, "updated_at"])
    if cities is not None:
        plan.cities.set(cities)
    audit.record(
        "visits.trip_plan.changed",
        actor=by,
        target=plan,
        changes={"title": title, "starts_on": starts_on, "ends_on": ends_on, **costs},
    )
    return plan


@transaction.atomic
def add_planned_visit(
    *,
    plan: TripPlan,
    by: User,
    customer: Customer,
    day: date,
    purpose: str,
    expected_result: str = "",
) -> PlannedVisit:
    plan = _lock_plan(plan)
    _check_owner_may_edit(plan, by)
    if not plan.starts_on <= day <= plan.ends_on:
        raise DomainError(
            _("The day must fall within the trip (%(start)s to %(end)s).")
            % {"start": plan.starts_on, "end": plan.ends_on},
            field="day",
        )
    check_territory_line(user=by, customer=customer)
    planned = PlannedVisit.objects.create(
        plan=plan, customer=customer, day=day, purpose=purpose, expected_result=expected_result
    )
    order_day_route(plan=plan, day=day)
    audit.record(
        "visits.planned_visit.added",
        actor=by,
        target=plan,
        changes={"customer": customer, "day": day, "purpose": purpose},
    )
    return planned


@transaction.atomic
def remove_planned_visit(*, planned_visit: PlannedVisit, by: User) -> None:
    plan = _lock_plan(planned_visit.plan)
    _check_owner_may_edit(plan, by)
    day, customer = planned_visit.day, planned_visit.customer
    planned_visit.delete()
    order_day_route(plan=plan, day=day)
    audit.record(
        "visits.planned_visit.removed",
        actor=by,
        target=plan,
        changes={"customer": customer, "day": day},
    )


# --- routes (rules.md §5.5 field planning) -----------------------------------------------------


def _stop(planned: PlannedVisit) -> routes.Stop | None:
    customer = planned.customer
    latitude = customer.latitude if customer.latitude is not None else customer.territory.latitude
    longitude = (
        customer.longitude if customer.longitude is not None else customer.territory.longitude
    )
    if latitude is None or longitude is None:
        return None
    return routes.Stop(planned.pk, float(latitude), float(longitude), customer.name)


def day_route(planned_visits: list[PlannedVisit], company: CompanySettings) -> routes.DayRoute:
    """The day's route in its stored order (planned visits without coordinates go last)."""
    stops = [stop for stop in map(_stop, planned_visits) if stop is not None]
    capacity = routes.day_capacity(
        working_day_minutes=company.working_day_minutes,
        visit_minutes=company.average_visit_minutes,
        travel_minutes=company.average_travel_minutes,
    )
    return routes.plan_day(
        stops,
        road_factor=float(company.road_factor),
        speed_kmh=float(company.average_speed_kmh),
        capacity=capacity,
    )


def order_day_route(*, plan: TripPlan, day: date) -> list[PlannedVisit]:
    """Store the route order of one day's planned visits (runs inside the caller's transaction)."""
    planned = list(
        plan.planned_visits.filter(day=day).select_related("customer", "customer__territory")
    )
    route = day_route(planned, CompanySettings.current())
    position = {stop.key: index for index, stop in enumerate(route.stops)}
    for item in planned:
        item.route_position = position.get(item.pk, len(position))
    PlannedVisit.objects.bulk_update(planned, ["route_position"])  # one day: a handful of rows
    return sorted(planned, key=lambda item: item.route_position)


# --- the state machine (rules.md §5.2) ---------------------------------------------------------


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


# --- visit records (rules.md §6.1) -------------------------------------------------------------


OPEN_PLAN_STATUSES = [
    TripPlan.Status.DRAFT,
    TripPlan.Status.SUBMITTED,
    TripPlan.Status.MANAGER_APPROVED,
    TripPlan.Status.RETURNED,
    TripPlan.Status.APPROVED,
]


@transaction.atomic
def hand_over_open_plans(*, from_person: User, to_person: User, region: Region, by: User) -> int:
    """rules.md §3.7 handover: the leaver's trips not yet completed go to the successor, in the
    handover's own transaction (called by the customers app's handover signal)."""
    plans = TripPlan.objects.filter(
        salesperson=from_person, region=region, status__in=OPEN_PLAN_STATUSES
    )
    plan_ids = list(plans.values_list("pk", flat=True))
    moved = TripPlan.objects.filter(pk__in=plan_ids).update(salesperson=to_person)
    if moved:
        audit.record(
            "visits.trip_plan.handed_over",
            actor=by,
            target=to_person,
            changes={"from": from_person, "to": to_person, "trip_plans": plan_ids},
        )
    return moved
