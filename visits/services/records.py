"""Visit records (rules.md §6.1, §6.4): logging, manager corrections and locked weeks.
The only writers."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import services as customer_services
from customers.models import Customer
from salesops import access, audit
from salesops.errors import DomainError
from salesops.models import CompanySettings, User
from visits.models import (
    PlannedVisit,
    TripPlan,
    Visit,
    WeekLock,
)
from visits.services.plans import check_territory_line

VISIT_FIELDS = [
    "kind",
    "person_met",
    "person_position",
    "sales_objective",
    "task_objectives",
    "discussion",
    "result",
    "next_step",
    "follow_up_on",
    "updated_demand",
    "updated_expected_order_date",
]
# The visit form's name for a field of the registry's CompetitorObservation, where they differ.
OBSERVATION_FIELDS = {"after_sales_service": "after_sales"}
COMPETITOR_FIELDS = [
    "brand",
    "price",
    "quality",
    "payment_terms",
    "after_sales_service",
    "strengths",
    "weaknesses",
]
Status = TripPlan.Status


# --- territory lines (rules.md §2.5) ----------------------------------------------------------


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_week_locked(salesperson: User, day: date) -> bool:
    return WeekLock.objects.filter(salesperson=salesperson, week_start=week_start(day)).exists()


def _check_visit_input(*, visited_at: datetime, follow_up_on: date | None) -> date:
    if visited_at > timezone.now():
        raise DomainError(_("A visit cannot be dated in the future."), field="visited_at")
    visit_day = timezone.localdate(visited_at)
    if follow_up_on is not None and follow_up_on < visit_day:
        raise DomainError(_("The follow-up date cannot be before the visit."), field="follow_up_on")
    return visit_day


def _matching_planned_visit(by: User, customer: Customer, day: date) -> PlannedVisit | None:
    """The open planned visit to this customer in an approved trip covering the day: the one
    planned for that very day, else the earliest (a visit moved within the trip still counts)."""
    candidates = PlannedVisit.objects.select_for_update(of=("self",)).filter(
        plan__salesperson=by,
        plan__status__in=[Status.APPROVED, Status.COMPLETED],
        plan__starts_on__lte=day,
        plan__ends_on__gte=day,
        customer=customer,
        visit__isnull=True,
    )
    return candidates.filter(day=day).first() or candidates.order_by("day", "id").first()


def _save_competitor_notes(visit: Visit, notes: list[dict], by: User) -> list:
    """Competitor information heard in a visit goes into the company's competitor registry
    (customers app), linked to the visit, its customer and territory (rules.md §6.5)."""
    observed_on = timezone.localtime(visit.visited_at).date()
    return [
        customer_services.record_competitor_observation(
            competitor_name=note["brand"].strip(),
            territory=visit.territory,
            observed_on=observed_on,
            by=by,
            customer=visit.customer,
            visit=visit,
            **{
                OBSERVATION_FIELDS.get(field, field): note.get(field) or ""
                for field in COMPETITOR_FIELDS
                if field != "brand"
            },
        )
        for note in notes
        if (note.get("brand") or "").strip()
    ]


@transaction.atomic
def record_visit(
    *,
    by: User,
    customer: Customer,
    visited_at: datetime,
    competitors: list[dict] | None = None,
    **details,
) -> Visit:
    """Log a visit or call (rules.md §6.1).

    1. Refuse a future date, a follow-up before the visit, a customer across territory lines
       (rules.md §2.5), a locked week.
    2. Mark it late when entered more than `late_visit_entry_days` after it happened.
    3. Close the matching planned visit of an approved plan (same customer, same day).
    4. Tell the customer record (last contact, demand, expected order date, the follow-up date
       set; re-classification).
    """
    visit_day = _check_visit_input(visited_at=visited_at, follow_up_on=details.get("follow_up_on"))
    check_territory_line(user=by, customer=customer)
    if is_week_locked(by, visit_day):
        raise DomainError(
            _("That week's report is submitted; ask your manager to correct it."),
            field="visited_at",
        )
    late_after = CompanySettings.current().late_visit_entry_days
    visit = Visit.objects.create(
        salesperson=by,
        customer=customer,
        territory=customer.territory,
        visited_at=visited_at,
        is_late_entry=(timezone.localdate() - visit_day).days > late_after,
        **{field: details.get(field) for field in VISIT_FIELDS if field in details},
    )
    notes = _save_competitor_notes(visit, competitors or [], by)
    planned = _matching_planned_visit(by, customer, visit_day)
    if planned is not None:
        planned.visit = visit
        planned.save(update_fields=["visit"])
    customer_services.record_contact(
        customer=customer,
        contacted_at=visited_at,
        by=by,
        demand=visit.updated_demand,
        expected_order_date=visit.updated_expected_order_date,
        follow_up_on=visit.follow_up_on,  # rules.md §4.7: the date set here drives the list
    )
    audit.record(
        "visits.visit.recorded",
        actor=by,
        target=visit,
        changes={
            "customer": customer,
            "visited_at": visited_at,
            "late": visit.is_late_entry,
            "planned_visit": planned,
            "competitors": [note.competitor.name for note in notes],
        },
    )
    return visit


@transaction.atomic
def change_visit(*, visit: Visit, by: User, reason: str = "", **details) -> Visit:
    """The salesperson edits an unlocked visit; the regional manager corrects any visit of
    their region (rules.md §6.4: corrections go through the manager and are kept in history)."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("territory__region")
        .get(pk=visit.pk)
    )
    is_correction = by.pk != visit.salesperson_id
    visit_day = timezone.localdate(visit.visited_at)
    if is_correction:
        if not access.is_regional_manager_of(by, visit.territory.region):
            raise DomainError(_("Only the region's manager corrects another person's visit."))
        if not reason.strip():
            raise DomainError(_("Say why the visit is corrected."), field="reason")
    elif is_week_locked(by, visit_day):
        raise DomainError(_("That week's report is submitted; ask your manager to correct it."))
    _check_visit_input(visited_at=visit.visited_at, follow_up_on=details.get("follow_up_on"))
    before = {field: getattr(visit, field) for field in VISIT_FIELDS}
    changed = {f: v for f, v in details.items() if f in VISIT_FIELDS and before[f] != v}
    for field, value in changed.items():
        setattr(visit, field, value)
    if changed:
        visit.save(update_fields=[*changed, "updated_at"])
    if "follow_up_on" in changed:
        # rules.md §4.7: a new follow-up date on the customer's latest contact moves it too.
        customer_services.record_contact(
            customer=visit.customer,
            contacted_at=visit.visited_at,
            by=by,
            follow_up_on=visit.follow_up_on,
        )
    audit.record(
        "visits.visit.corrected" if is_correction else "visits.visit.changed",
        actor=by,
        target=visit,
        changes={
            "before": {field: before[field] for field in changed},
            "after": changed,
            "reason": reason,
        },
    )
    return visit


@transaction.atomic
def lock_week(
    *, salesperson: User, week_start: date, by: User | None, reason: str = ""
) -> WeekLock:
    """Lock a salesperson's week of visits. The weekly report calls this on submission;
    running it twice changes nothing."""
    lock, created = WeekLock.objects.get_or_create(
        salesperson=salesperson,
        week_start=week_start - timedelta(days=week_start.weekday()),
        defaults={"reason": reason},
    )
    if created:
        audit.record(
            "visits.week.locked",
            actor=by,
            target=lock,
            changes={"salesperson": salesperson, "week_start": lock.week_start, "reason": reason},
        )
    return lock
