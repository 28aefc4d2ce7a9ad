"""rules.md §7.7: the first to target earns a bonus of the configured amount, once, waiting for
the region's sales director."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from sales.models import Bonus, BonusTransition
from sales.scoring import score_period
from sales.services.bonuses import decide_bonus
from sales.views import bonuses as bonus_views
from salesops.errors import AlreadyDecided, DomainError
from salesops.models import SINCE_ALWAYS, AuditEntry, CompanySettings
from tests.sales.factories import local, make_sale, set_quota

pytestmark = pytest.mark.django_db

JULY = date(2025, 7, 1)


def _first_to_target(personas):
    for person in (personas.salesperson, personas.colleague):
        set_quota(person, JULY, "375000")
    make_sale(personas.salesperson, "375000", local(2025, 7, 3))
    make_sale(personas.colleague, "375000", local(2025, 7, 9))


def test_the_flag_creates_one_pending_bonus_of_the_configured_amount_after_two_runs(personas):
    _first_to_target(personas)

    score_period(JULY)
    score_period(JULY)

    bonus = Bonus.objects.get()
    assert (bonus.salesperson, bonus.month, bonus.region) == (
        personas.salesperson,
        JULY,
        personas.east,
    )
    assert (bonus.amount, bonus.status) == (Decimal("1000.00"), Bonus.Status.PENDING)


def test_the_amount_is_the_one_in_force_for_the_month(personas):
    CompanySettings.objects.update_or_create(
        effective_from=SINCE_ALWAYS, defaults={"first_to_target_bonus": "800"}
    )
    CompanySettings.objects.create(effective_from=date(2025, 8, 1), first_to_target_bonus=2000)
    _first_to_target(personas)

    score_period(JULY)

    assert Bonus.objects.get().amount == Decimal("800.00")


def test_a_pending_bonus_is_withdrawn_when_the_flag_goes_away(personas):
    _first_to_target(personas)
    score_period(JULY)
    set_quota(personas.salesperson, JULY, "900000")  # no longer met

    score_period(JULY)

    assert Bonus.objects.get().salesperson == personas.colleague


def test_the_director_approves_and_a_second_decision_is_already_decided(personas):
    _first_to_target(personas)
    score_period(JULY)
    bonus = Bonus.objects.get()

    decide_bonus(bonus=bonus, by=personas.director, decision="approve", comment="Well done")

    bonus.refresh_from_db()
    assert (bonus.status, bonus.decided_by) == (Bonus.Status.APPROVED, personas.director)
    step = BonusTransition.objects.get()
    assert (step.source, step.target, step.comment) == ("pending", "approved", "Well done")
    assert AuditEntry.objects.filter(action="sales.bonus.approved").count() == 1
    with pytest.raises(AlreadyDecided, match="already decided"):
        decide_bonus(bonus=bonus, by=personas.director, decision="reject", comment="x")


@pytest.mark.parametrize("person", ["manager", "head_office", "salesperson", "other_manager"])
def test_only_the_regions_sales_director_decides(personas, person):
    _first_to_target(personas)
    score_period(JULY)

    with pytest.raises(DomainError, match="does not wait for your decision"):
        decide_bonus(bonus=Bonus.objects.get(), by=getattr(personas, person), decision="approve")
    assert Bonus.objects.get().status == Bonus.Status.PENDING


def test_the_salesperson_sees_the_bonus_on_the_attainment_page(personas, login):
    _first_to_target(personas)
    score_period(JULY)

    response = login(personas.salesperson).get(reverse("sales:my_attainment") + "?period=2025-07")

    assert "Bonus 1,000.00: waiting for the director" in response.content.decode()


def test_the_director_decides_on_the_bonus_page_and_the_export_lists_it(personas, login):
    _first_to_target(personas)
    score_period(JULY)
    bonus = Bonus.objects.get()
    client = login(personas.director)

    assert f"bonus-{bonus.pk}" in client.get(reverse("sales:bonuses")).content.decode()
    client.post(
        reverse("sales:bonus_decide", args=[bonus.pk]),
        {"decision": "reject", "comment": "Counted twice"},
    )

    bonus.refresh_from_db()
    assert bonus.status == Bonus.Status.REJECTED
    export = client.get(reverse("sales:bonus_export", args=["csv"])).content.decode("utf-8-sig")
    assert "2025-07" in export and "李明" in export and "Rejected" in export


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_one_is_told_already_decided(personas):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    _first_to_target(personas)
    score_period(JULY)
    bonus = Bonus.objects.get()
    outcomes = []

    def decide(decision):
        try:
            decide_bonus(bonus=bonus, by=personas.director, decision=decision, comment="x")
            outcomes.append("decided")
        except AlreadyDecided:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(d,)) for d in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "decided"]
    assert BonusTransition.objects.count() == 1


def test_the_bonus_page_shows_pending_ones_first_a_page_at_a_time(personas, login, monkeypatch):
    """A table within 200 rows however many years of bonuses (docs/performance.md, P3)."""
    monkeypatch.setattr(bonus_views, "BONUSES_PER_PAGE", 2)
    for month, status in ((1, "approved"), (2, "pending"), (3, "rejected")):
        Bonus.objects.create(
            salesperson=personas.salesperson,
            region=personas.east,
            month=date(2025, month, 1),
            amount=Decimal("1000.00"),
            status=status,
        )
    client = login(personas.director)

    first, second = (
        client.get(reverse("sales:bonuses")),
        client.get(reverse("sales:bonuses"), {"page": 2}),
    )

    months = [[bonus.month.month for bonus in page.context["bonuses"]] for page in (first, second)]
    assert months == [[2, 3], [1]]  # pending first, then the newest months
    assert 'href="?page=2"' in first.content.decode()
