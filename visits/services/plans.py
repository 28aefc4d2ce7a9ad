"""Trip plans and planned visits (rules.md §5.1, §5.2, §5.5): drafting, routes and the handover of
open plans. The approval state machine is in `approvals`. The only writers."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from salesops import access, audit
from salesops.errors import DomainError, OutsideTerritory
from salesops.models import CompanySettings, User
from territories.models import Region, Territory
from visits import routes
from visits.models import (
    PlannedVisit,
    TripPlan,
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


# rules.md §5.7: a trip lasts at most a month; a longer one is a slip (0001 to 9999) and would
# make the plan page lay out every day of it.
MAX_TRIP_DAYS = 31


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise DomainError(_("The trip cannot end before it starts."), field="ends_on")
    if (ends_on - starts_on).days + 1 > MAX_TRIP_DAYS:
        raise DomainError(
            _("A trip lasts at most %(days)s days; split a longer one into several plans.")
            % {"days": MAX_TRIP_DAYS},
            field="ends_on",
        )


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
