"""The expense pages render with their real templates."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from expenses import services
from expenses.models import ExpenseClaim
from expenses.views import CLAIMS_PER_PAGE
from salesops.months import add_months
from tests.expenses.factories import approved_claim
from visits.models import TripPlan

pytestmark = pytest.mark.django_db


def _claim(person, amount="800"):
    claim = services.open_claim(by=person, month=date(2025, 7, 1))
    services.add_expense_item(
        claim=claim,
        by=person,
        spent_on=date(2025, 7, 8),
        category="lodging",
        amount=Decimal(amount),
        invoice_number="HZ-0001",
    )
    return claim


def test_salesperson_adds_an_item_and_sees_the_cap_used(personas, login):
    claim = _claim(personas.salesperson)
    client = login(personas.salesperson)

    client.post(
        reverse("expenses:item_add", args=[claim.pk]),
        {
            "spent_on": "2025-07-09",
            "category": "transport",
            "amount": "200",
            "invoice_number": "HZ-0002",
        },
    )
    page = client.get(reverse("expenses:claim", args=[claim.pk])).content.decode()

    assert "HZ-0002" in page
    assert "1,000.00" in page  # already claimed against the 5,000 cap
    assert 'id="expense-cap"' in page


def test_duplicate_invoice_is_shown_next_to_its_field(personas, login):
    claim = _claim(personas.salesperson)

    response = login(personas.salesperson).post(
        reverse("expenses:item_add", args=[claim.pk]),
        {
            "spent_on": "2025-07-09",
            "category": "transport",
            "amount": "200",
            "invoice_number": "HZ-0001",
        },
    )

    assert "was already claimed" in response.content.decode()
    assert claim.items.count() == 1


def test_manager_approves_on_waiting_for_me_in_place(personas, login):
    claim = services.submit_claim(claim=_claim(personas.salesperson), by=personas.salesperson)
    client = login(personas.manager)

    waiting = client.get(reverse("waiting")).content.decode()
    assert f'id="decision-expense_claim-{claim.pk}"' in waiting
    response = client.post(
        reverse("decide", args=["expense_claim", claim.pk]),
        {"decision": "approve"},
        HTTP_HX_REQUEST="true",
    )

    assert "Approved" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ExpenseClaim.Status.APPROVED


def test_plan_spend_page_shows_planned_visited_and_spent(personas, login):
    plan = TripPlan.objects.create(
        salesperson=personas.salesperson,
        region=personas.east,
        title="宁波客户拜访",
        starts_on=date(2025, 7, 14),
        ends_on=date(2025, 7, 15),
        estimated_lodging=Decimal("1200"),
    )

    page = login(personas.manager).get(reverse("expenses:plan_spend", args=[plan.pk]))

    assert 'id="plan-spend"' in page.content.decode()
    assert "1,200.00" in page.content.decode()


def test_queue_marks_a_decision_past_its_three_working_days(personas, login):
    claim = services.submit_claim(claim=_claim(personas.salesperson), by=personas.salesperson)
    ExpenseClaim.objects.filter(pk=claim.pk).update(decision_due_on=date(2025, 8, 6))

    page = login(personas.manager).get(reverse("waiting")).content.decode()

    assert "overdue" in page


def _monthly_claims(person, months: int) -> list[ExpenseClaim]:
    """`months` claims of `person`, one a month back from July 2025, newest first."""
    return [
        approved_claim(person, add_months(date(2025, 7, 1), -back), amounts=["100"])
        for back in range(months)
    ]


def _claim_ids(page) -> list[int]:
    return [claim.pk for claim in page.context["page"]]


def test_the_claims_list_reaches_every_claim_a_page_at_a_time(personas, login):
    """It used to stop at its first 100 claims; now every claim is one "Next" away, newest
    month first, none shown twice."""
    claims = _monthly_claims(personas.salesperson, CLAIMS_PER_PAGE + 5)
    client = login(personas.salesperson)

    first = client.get(reverse("expenses:claims"))
    second = client.get(reverse("expenses:claims"), {"after": first.context["page"].next_cursor})

    assert _claim_ids(first) == [claim.pk for claim in claims[:CLAIMS_PER_PAGE]]
    assert _claim_ids(second) == [claim.pk for claim in claims[CLAIMS_PER_PAGE:]]
    assert 'rel="next"' in first.content.decode()
    assert 'rel="next"' not in second.content.decode()
    back = client.get(
        reverse("expenses:claims"), {"before": second.context["page"].previous_cursor}
    )
    assert _claim_ids(back) == _claim_ids(first)


def test_the_claims_list_pages_a_managers_region_and_keeps_others_out(personas, login):
    mine = _monthly_claims(personas.salesperson, 20) + _monthly_claims(personas.colleague, 20)
    _monthly_claims(personas.other_salesperson, 3)  # another region's
    client = login(personas.manager)

    seen, cursor = [], ""
    while True:
        page = client.get(reverse("expenses:claims"), {"after": cursor} if cursor else {})
        seen += _claim_ids(page)
        if not page.context["page"].has_next:
            break
        cursor = page.context["page"].next_cursor

    assert sorted(seen) == sorted(claim.pk for claim in mine)
    assert len(seen) == len(set(seen))
