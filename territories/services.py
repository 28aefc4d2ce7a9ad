"""Every change to regions, assignments, draws and cross-territory requests (the only writers)."""

import secrets
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesops import access, approvals, audit
from salesops.errors import AlreadyDecided, DomainError
from salesops.models import User
from territories.models import Assignment, CrossTerritoryRequest, Region, Territory, TerritoryDraw


def _require_manager(by: User, region: Region | None) -> None:
    if region is None or not access.can_manage_region(by, region):
        raise DomainError(_("Only the region's manager can do this."))


def _overlapping_active_assignments(territory: Territory):
    """Active assignments on the territory, any territory above it, or any below it."""
    ancestor_paths = [territory.path[: i + 1] for i, ch in enumerate(territory.path) if ch == "/"]
    return Assignment.objects.active().filter(
        Q(territory__path__in=ancestor_paths) | Q(territory__path__startswith=territory.path)
    )


@transaction.atomic
def assign_territory(
    *, territory: Territory, salesperson: User, by: User, started_on: date | None = None
) -> Assignment:
    """Give a territory to a salesperson (rules.md §2.2: at most one active holder, history kept).

    1. the actor must manage the territory's region; 2. the salesperson must sell in it;
    3. nobody may hold it, a territory above it or one below it; 4. write, audit.
    """
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    _require_manager(by, territory.region)
    if not salesperson.is_active or not salesperson.sells:
        raise DomainError(
            _("Only an active salesperson or regional manager can hold a territory."),
            field="salesperson",
        )
    if not salesperson.regions.filter(pk=territory.region_id).exists():
        raise DomainError(
            _("%(person)s does not belong to this region.") % {"person": salesperson},
            field="salesperson",
        )
    holder = (
        _overlapping_active_assignments(territory)
        .select_related("salesperson", "territory")
        .first()
    )
    if holder is not None:
        raise DomainError(
            _("%(territory)s is already held by %(person)s; end that assignment first.")
            % {"territory": holder.territory, "person": holder.salesperson},
            field="territory",
        )
    assignment = Assignment.objects.create(
        territory=territory,
        salesperson=salesperson,
        started_on=started_on or timezone.localdate(),
        created_by=by,
    )
    audit.record(
        "territories.assignment.created",
        actor=by,
        target=assignment,
        changes={
            "territory": territory,
            "salesperson": salesperson,
            "started_on": assignment.started_on,
        },
    )
    access.forget(salesperson)
    return assignment


@transaction.atomic
def end_assignment(*, assignment: Assignment, by: User, ended_on: date | None = None) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("territory")
        .get(pk=assignment.pk)
    )
    _require_manager(by, assignment.territory.region)
    if not assignment.is_active:
        raise AlreadyDecided(_("This assignment has already ended."))
    ended_on = ended_on or timezone.localdate()
    if ended_on < assignment.started_on:
        raise DomainError(_("An assignment cannot end before it starts."), field="ended_on")
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    audit.record(
        "territories.assignment.ended", actor=by, target=assignment, changes={"ended_on": ended_on}
    )
    return assignment


@transaction.atomic
def hand_over_territories(
    *, from_person: User, to_person: User, region: Region, by: User
) -> list[Assignment]:
    """rules.md §3.7: a leaver's active assignments in the region pass to the successor.

    Each of the leaver's assignments ends today and the successor's starts today (the history
    keeps both); the successor's own holdings must not overlap them (rules.md §2.2), or nothing
    moves. Both people's cached territories are forgotten, so the change holds from the next
    request. Returns the successor's new assignments.
    """
    _require_manager(by, region)
    leaving = list(
        Assignment.objects.active()
        .select_for_update(of=("self",))
        .select_related("territory")
        .filter(salesperson=from_person, territory__region=region)
        .order_by("territory__path")
    )
    for assignment in leaving:
        conflict = (
            _overlapping_active_assignments(assignment.territory)
            .exclude(salesperson=from_person)
            .select_related("territory", "salesperson")
            .first()
        )
        if conflict is not None:
            raise DomainError(
                _(
                    "%(territory)s cannot pass to %(successor)s: %(held)s, held by %(person)s, "
                    "overlaps it. End that assignment first."
                )
                % {
                    "territory": assignment.territory,
                    "successor": to_person,
                    "held": conflict.territory,
                    "person": conflict.salesperson,
                },
                field="to_person",
            )
    today = timezone.localdate()
    started = []
    for assignment in leaving:
        assignment.ended_on = max(today, assignment.started_on)
        assignment.save(update_fields=["ended_on"])
        started.append(
            Assignment.objects.create(
                territory=assignment.territory,
                salesperson=to_person,
                started_on=assignment.ended_on,
                created_by=by,
            )
        )
        audit.record(
            "territories.assignment.handed_over",
            actor=by,
            target=assignment,
            changes={
                "territory": assignment.territory,
                "from": from_person,
                "to": to_person,
                "on": assignment.ended_on,
            },
        )
    access.forget(from_person)
    access.forget(to_person)
    return started


@transaction.atomic
def run_draw(
    *, territory: Territory, candidates: list[User], by: User, assign: bool = True, note: str = ""
) -> TerritoryDraw:
    """Settle a contested territory by a recorded random draw (抓阄), and assign the winner."""
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    _require_manager(by, territory.region)
    unique_candidates = list({person.pk: person for person in candidates}.values())
    if len(unique_candidates) < 2:
        raise DomainError(_("A draw needs at least two candidates."), field="candidates")
    for person in unique_candidates:
        if not person.sells or not person.regions.filter(pk=territory.region_id).exists():
            raise DomainError(
                _("%(person)s cannot hold territories in this region.") % {"person": person},
                field="candidates",
            )
    winner = secrets.SystemRandom().choice(unique_candidates)
    draw = TerritoryDraw.objects.create(
        territory=territory,
        winner=winner,
        drawn_by=by,
        note=note,
        candidate_names=[str(person) for person in unique_candidates],
    )
    draw.candidates.set(unique_candidates)
    audit.record(
        "territories.draw.held",
        actor=by,
        target=draw,
        changes={"territory": territory, "candidates": unique_candidates, "winner": winner},
    )
    if assign:
        assign_territory(territory=territory, salesperson=winner, by=by)
    return draw


@transaction.atomic
def request_cross_territory(*, customer, by: User, reason: str) -> CrossTerritoryRequest:
    """A salesperson asks to work one customer outside their own territories."""
    if not by.sells:
        raise DomainError(_("Only salespeople ask to work outside their territories."))
    if access.held_territories(by).filter(pk=customer.territory_id).exists():
        raise DomainError(_("This customer is already in your territory."), field="customer")
    if not by.regions.filter(pk=customer.territory.region_id).exists():
        raise DomainError(_("This customer is in another region."), field="customer")
    if CrossTerritoryRequest.objects.filter(
        requester=by, customer=customer, status=CrossTerritoryRequest.Status.PENDING
    ).exists():
        raise DomainError(
            _("You already have a pending request for this customer."), field="customer"
        )
    request = CrossTerritoryRequest.objects.create(requester=by, customer=customer, reason=reason)
    audit.record(
        "territories.cross_request.created",
        actor=by,
        target=request,
        changes={"customer": customer, "reason": reason},
    )
    return request


def decide_cross_territory(
    *, request: CrossTerritoryRequest, by: User, approve: bool, comment: str = ""
) -> CrossTerritoryRequest:
    """The region's manager (the director for a manager's own request) approves or rejects."""
    decision = approvals.APPROVE if approve else approvals.REJECT
    return approvals.decide(record=request, by=by, decision=decision, comment=comment)


def decision_transition(request: CrossTerritoryRequest, decision: str):
    return request.approve if decision == approvals.APPROVE else request.reject


def after_decision(request: CrossTerritoryRequest, *, by: User, source: str, comment: str) -> None:
    request.decided_by, request.decided_at = by, timezone.now()
    request.decision_comment = comment[:500]
    request.save(update_fields=["decided_by", "decided_at", "decision_comment"])


@transaction.atomic
def add_province_to_region(*, province: Territory, region: Region, by: User | None) -> int:
    """Put a province and everything below it into a region. Returns the rows moved."""
    if province.level != Territory.Level.PROVINCE:
        raise DomainError(_("Only whole provinces join a region."), field="province")
    moved = Territory.objects.filter(path__startswith=province.path).update(region=region)
    audit.record(
        "territories.region.province_added",
        actor=by,
        target=region,
        changes={"province": province, "territories": moved},
    )
    return moved
