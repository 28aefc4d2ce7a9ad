"""Assigning territories: one active holder, history kept, the manager's decision audited."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from salesops.errors import AlreadyDecided, DomainError
from salesops.models import AuditEntry, Role
from territories import services
from territories.models import Assignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_manager_assigns_a_free_territory_and_the_decision_is_audited(personas):
    services.end_assignment(assignment=personas.salesperson.assignments.get(), by=personas.manager)
    assignment = services.assign_territory(
        territory=personas.ningbo, salesperson=personas.colleague, by=personas.manager
    )
    assert assignment.is_active
    entry = AuditEntry.objects.get(
        action="territories.assignment.created", target_id=str(assignment.pk)
    )
    assert entry.actor == personas.manager
    assert entry.changes["salesperson"]["id"] == personas.colleague.pk


def test_assigning_a_held_territory_is_refused_with_who_holds_it(personas):
    with pytest.raises(DomainError) as refusal:
        services.assign_territory(
            territory=personas.zhejiang, salesperson=personas.colleague, by=personas.manager
        )
    assert "李明" in str(refusal.value)
    assert refusal.value.field == "territory"


def test_a_county_below_a_held_province_cannot_go_to_someone_else(personas):
    with pytest.raises(DomainError, match="already held by 李明"):
        services.assign_territory(
            territory=personas.xihu, salesperson=personas.colleague, by=personas.manager
        )


def test_ending_then_reassigning_keeps_the_history(personas):
    first = personas.salesperson.assignments.get()
    services.end_assignment(assignment=first, by=personas.manager, ended_on=date(2026, 12, 31))
    services.assign_territory(
        territory=personas.zhejiang,
        salesperson=personas.colleague,
        by=personas.manager,
        started_on=date(2027, 1, 1),
    )
    history = Assignment.objects.filter(territory=personas.zhejiang).order_by("started_on")
    assert [(a.salesperson.username, a.ended_on) for a in history] == [
        ("li", date(2026, 12, 31)),
        ("zhang", None),
    ]
    assert AuditEntry.objects.filter(
        action="territories.assignment.ended", actor=personas.manager
    ).exists()


def test_manager_of_another_region_cannot_assign(personas):
    services.end_assignment(assignment=personas.salesperson.assignments.get(), by=personas.manager)
    with pytest.raises(DomainError):
        services.assign_territory(
            territory=personas.zhejiang, salesperson=personas.colleague, by=personas.other_manager
        )


def test_salesperson_from_another_region_cannot_hold_the_territory(personas):
    services.end_assignment(assignment=personas.salesperson.assignments.get(), by=personas.manager)
    with pytest.raises(DomainError, match="does not belong to this region"):
        services.assign_territory(
            territory=personas.zhejiang, salesperson=personas.other_salesperson, by=personas.manager
        )


def test_head_office_cannot_hold_a_territory(personas):
    personas.head_office.regions.add(personas.east)
    with pytest.raises(DomainError):
        services.assign_territory(
            territory=personas.ningbo, salesperson=personas.head_office, by=personas.admin
        )


def test_ending_twice_says_it_already_ended(personas):
    assignment = personas.salesperson.assignments.get()
    services.end_assignment(assignment=assignment, by=personas.manager)
    with pytest.raises(AlreadyDecided):
        services.end_assignment(assignment=assignment, by=personas.manager)


def test_an_assignment_cannot_end_before_it_starts(personas):
    assignment = personas.salesperson.assignments.get()
    with pytest.raises(DomainError) as refusal:
        services.end_assignment(
            assignment=assignment, by=personas.manager, ended_on=date(2000, 1, 1)
        )
    assert refusal.value.field == "ended_on"
    assignment.refresh_from_db()
    assert assignment.ended_on is None


def test_database_refuses_two_active_holders(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(territory=personas.zhejiang, salesperson=personas.colleague)


def test_database_refuses_an_end_before_the_start(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            territory=personas.ningbo,
            salesperson=personas.colleague,
            started_on=date(2026, 5, 1),
            ended_on=date(2026, 4, 1),
        )


def test_the_draw_records_candidates_and_assigns_the_winner(personas):
    services.end_assignment(assignment=personas.salesperson.assignments.get(), by=personas.manager)
    third = UserFactory(username="liu", role=Role.SALESPERSON, regions=[personas.east])
    draw = services.run_draw(
        territory=personas.zhejiang,
        by=personas.manager,
        candidates=[personas.salesperson, personas.colleague, third],
        note="两人都要",
    )
    assert draw.winner in {personas.salesperson, personas.colleague, third}
    assert set(draw.candidates.all()) == {personas.salesperson, personas.colleague, third}
    assert sorted(draw.candidate_names) == sorted(["李明", "张伟", "Liu"])
    assert Assignment.objects.active().get(territory=personas.zhejiang).salesperson == draw.winner
    assert AuditEntry.objects.filter(
        action="territories.draw.held", target_id=str(draw.pk)
    ).exists()


def test_every_candidate_can_win_the_draw(personas):
    services.end_assignment(assignment=personas.salesperson.assignments.get(), by=personas.manager)
    winners = {
        services.run_draw(
            territory=personas.zhejiang,
            by=personas.manager,
            assign=False,
            candidates=[personas.salesperson, personas.colleague],
        ).winner
        for _ in range(40)
    }
    assert winners == {personas.salesperson, personas.colleague}


def test_a_draw_needs_two_candidates(personas):
    with pytest.raises(DomainError, match="at least two"):
        services.run_draw(
            territory=personas.ningbo, by=personas.manager, candidates=[personas.colleague]
        )
