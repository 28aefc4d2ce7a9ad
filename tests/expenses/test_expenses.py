"""Expense claims (rules.md §8.1–§8.6): items with unique invoices, due dates, approval,
the cap, advances."""

import threading
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from expenses import services
from expenses.models import ExpenseClaim, TravelAdvance
from expenses.selectors import expense_cap_for, plans_with_spend
from salesops.errors import AlreadyDecided, DomainError
from salesops.models import AuditEntry
from visits.models import TripPlan

pytestmark = pytest.mark.django_db

JULY = date(2025, 7, 1)


def _at(year, month, day, hour=12):
    from django.utils import timezone

    return timezone.make_aware(datetime(year, month, day, hour))  # noqa: DTZ001


def _claim(person, *amounts, month=JULY):
    claim = services.open_claim(by=person, month=month)
    for number, amount in enumerate(amounts):
        services.add_expense_item(
            claim=claim,
            by=person,
            spent_on=month.replace(day=10),
            category="lodging",
            amount=Decimal(amount),
            invoice_number=f"{person.username}-{month:%m}-{number}",
        )
    return claim


def _submit(claim, when):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return services.submit_claim(claim=claim, by=claim.salesperson)


def test_invoice_number_is_refused_the_second_time_across_claims(personas):
    _claim(personas.salesperson, "300")
    other = services.open_claim(by=personas.colleague, month=JULY)

    with pytest.raises(DomainError, match="already claimed"):
        services.add_expense_item(
            claim=other,
            by=personas.colleague,
            spent_on=date(2025, 7, 3),
            category="transport",
            amount=Decimal("80"),
            invoice_number="li-07-0",
        )
    assert not other.items.exists()


def test_item_without_an_invoice_number_is_refused(personas):
    claim = services.open_claim(by=personas.salesperson, month=JULY)

    with pytest.raises(DomainError, match="invoice number"):
        services.add_expense_item(
            claim=claim,
            by=personas.salesperson,
            spent_on=date(2025, 7, 3),
            category="transport",
            amount=Decimal("80"),
            invoice_number="  ",
        )


def test_claim_submitted_on_the_5th_is_on_time_and_on_the_6th_late(personas):
    on_time = _submit(_claim(personas.salesperson, "300"), _at(2025, 8, 5, 23))
    late = _submit(_claim(personas.colleague, "300"), _at(2025, 8, 6, 0))

    assert on_time.is_late is False
    assert late.is_late is True


def test_decision_is_due_three_working_days_after_submission(personas):
    claim = _submit(_claim(personas.salesperson, "300"), _at(2025, 8, 1))  # a Friday

    assert claim.decision_due_on == date(2025, 8, 6)


def test_manager_approves_a_claim_within_the_cap(personas):
    claim = _submit(_claim(personas.salesperson, "3000"), _at(2025, 8, 1))

    claim = services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    assert claim.status == ExpenseClaim.Status.APPROVED
    assert AuditEntry.objects.filter(action="visits.expense_claim.approved").exists()


def test_claim_above_the_cap_needs_the_director_after_the_manager(personas):
    claim = _submit(_claim(personas.salesperson, "4000", "1000.01"), _at(2025, 8, 1))

    claim = services.decide_claim(claim=claim, by=personas.manager, decision="approve")
    assert claim.status == ExpenseClaim.Status.MANAGER_APPROVED
    claim = services.decide_claim(claim=claim, by=personas.director, decision="approve")

    assert claim.status == ExpenseClaim.Status.APPROVED


def test_exactly_the_cap_needs_only_the_manager(personas):
    claim = _submit(_claim(personas.salesperson, "5000"), _at(2025, 8, 1))

    claim = services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    assert claim.status == ExpenseClaim.Status.APPROVED


def test_manager_cannot_approve_other_regions_claim(personas):
    claim = _submit(_claim(personas.salesperson, "300"), _at(2025, 8, 1))

    with pytest.raises(DomainError):
        services.decide_claim(claim=claim, by=personas.other_manager, decision="approve")


def test_late_decision_is_tracked(personas):
    claim = _submit(_claim(personas.salesperson, "300"), _at(2025, 8, 1))

    with mock.patch("django.utils.timezone.now", return_value=_at(2025, 8, 7)):
        claim = services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    assert claim.decided_on_time is False


def test_claim_cannot_be_edited_after_approval(personas):
    claim = _submit(_claim(personas.salesperson, "300"), _at(2025, 8, 1))
    services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    with pytest.raises(DomainError, match="can no longer be edited"):
        services.add_expense_item(
            claim=claim,
            by=personas.salesperson,
            spent_on=date(2025, 7, 9),
            category="phone",
            amount=Decimal("50"),
            invoice_number="late-one",
        )


def test_returned_claim_can_be_corrected_and_resubmitted(personas):
    claim = _submit(_claim(personas.salesperson, "300"), _at(2025, 8, 1))
    services.decide_claim(
        claim=claim, by=personas.manager, decision="return", comment="Hotel invoice missing"
    )

    _claim(personas.salesperson)  # the same draft comes back
    claim = _submit(claim, _at(2025, 8, 4))

    assert claim.status == ExpenseClaim.Status.SUBMITTED


def test_second_decision_is_refused_as_already_decided(personas):
    claim = _submit(_claim(personas.salesperson, "300"), _at(2025, 8, 1))
    services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    with pytest.raises(AlreadyDecided):
        services.decide_claim(claim=claim, by=personas.admin, decision="reject", comment="no")


def test_advance_larger_than_the_claim_is_refunded(personas):
    services.take_advance(by=personas.salesperson, paid_on=date(2025, 7, 2))
    claim = _submit(_claim(personas.salesperson, "2500"), _at(2025, 8, 1))

    claim = services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    assert claim.settlement == Decimal("-500.00")  # the salesperson pays 500 back
    assert TravelAdvance.objects.get().settled_by_claim == claim


def test_claim_larger_than_the_advance_is_topped_up(personas):
    services.take_advance(by=personas.salesperson, paid_on=date(2025, 7, 2), amount=Decimal("1000"))
    claim = _submit(_claim(personas.salesperson, "2500"), _at(2025, 8, 1))

    claim = services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    assert claim.settlement == Decimal("1500.00")


def _plan(person, estimated="1200"):
    return TripPlan.objects.create(
        salesperson=person,
        region=personas_region(person),
        title="宁波客户拜访",
        starts_on=date(2025, 7, 14),
        ends_on=date(2025, 7, 16),
        estimated_lodging=Decimal(estimated),
        status=TripPlan.Status.APPROVED,
    )


def personas_region(person):
    return person.regions.first()


def test_cap_panel_shows_used_and_what_the_plan_would_add(personas):
    _claim(personas.salesperson, "3000")
    plan = _plan(personas.salesperson, "2500")

    cap = expense_cap_for(salesperson=personas.salesperson, month=JULY, plan=plan)

    assert (cap.cap, cap.used, cap.plan_adds) == (Decimal("5000"), Decimal("3000"), Decimal("2500"))
    assert cap.over_cap


def test_plan_spend_counts_only_approved_items_linked_to_it(personas):
    plan = _plan(personas.salesperson)
    claim = services.open_claim(by=personas.salesperson, month=JULY)
    services.add_expense_item(
        claim=claim,
        by=personas.salesperson,
        spent_on=date(2025, 7, 15),
        category="lodging",
        amount=Decimal("900"),
        invoice_number="NB-1",
        trip_plan=plan,
    )
    assert plans_with_spend(personas.salesperson).get().spent == 0

    services.decide_claim(
        claim=_submit(claim, _at(2025, 8, 1)), by=personas.manager, decision="approve"
    )

    assert plans_with_spend(personas.manager).get().spent == Decimal("900.00")


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_produce_one_decision(personas):
    claim = _submit(_claim(personas.salesperson, "300"), _at(2025, 8, 1))
    outcomes, barrier = [], threading.Barrier(2)

    def decide(person, decision):
        barrier.wait()
        try:
            services.decide_claim(claim=claim, by=person, decision=decision, comment="x")
            outcomes.append("decided")
        except AlreadyDecided:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(personas.manager, "approve")),
        threading.Thread(target=decide, args=(personas.admin, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["decided", "refused"]
    assert (
        AuditEntry.objects.filter(action__startswith="visits.expense_claim.")
        .exclude(action__in=["visits.expense_claim.opened", "visits.expense_claim.submitted"])
        .count()
        == 1
    )


def test_claim_for_a_month_that_has_not_begun_is_refused(personas):
    from salesops.months import add_months, current_month

    with pytest.raises(DomainError, match="has begun"):
        services.open_claim(by=personas.salesperson, month=add_months(current_month(), 1))
