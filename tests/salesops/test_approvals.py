"""One way to decide (salesops.approvals, rules.md §1.5, §1.6, §1.7, §1.8, §1.9)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expenses import services as claim_services
from expenses.models import ExpenseClaim, ExpenseClaimTransition
from salesops import access, approvals
from salesops.errors import AlreadyDecided, DomainError
from salesops.views import WAITING_PER_PAGE
from territories import services as request_services
from territories.models import CrossTerritoryRequest
from tests.customers.factories import CustomerFactory
from tests.visits.factories import PlannedVisitFactory, TripPlanFactory
from visits import services as plan_services
from visits.models import TripPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_plan(personas):
    plan = TripPlanFactory(salesperson=personas.salesperson)
    PlannedVisitFactory(plan=plan, customer=CustomerFactory(territory=personas.xihu))
    return plan


def _submitted_claim(person, amount="800"):
    claim = claim_services.open_claim(by=person, month=date(2025, 7, 1))
    claim_services.add_expense_item(
        claim=claim,
        by=person,
        spent_on=date(2025, 7, 8),
        category="lodging",
        amount=Decimal(amount),
        invoice_number=f"HZ-{person.pk:04d}",
    )
    return claim_services.submit_claim(claim=claim, by=person)


def _managers_request(personas):
    customer = CustomerFactory(territory=personas.xihu)
    return request_services.request_cross_territory(
        customer=customer, by=personas.manager, reason="Their buyer sits in Shanghai"
    )


def _move_to_south(person, personas):
    person.regions.set([personas.south])
    person.assignments.update(ended_on=person.assignments.first().started_on)


# --- rules.md §1.5: nobody decides their own request ------------------------------------------


def test_a_managers_own_expense_claim_goes_to_the_director(personas):
    claim = _submitted_claim(personas.manager)

    assert not access.may_decide(personas.manager, claim)
    assert claim not in approvals.workflow("expense_claim").waiting(personas.manager)
    with pytest.raises(DomainError):
        claim_services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    assert claim in approvals.workflow("expense_claim").waiting(personas.director)
    claim = claim_services.decide_claim(claim=claim, by=personas.director, decision="approve")
    assert claim.status == ExpenseClaim.Status.APPROVED
    step = ExpenseClaimTransition.objects.get(claim=claim, by=personas.director)
    assert (step.source, step.target) == ("submitted", "approved")


def test_a_managers_own_cross_territory_request_goes_to_the_director(personas):
    request = _managers_request(personas)

    assert request not in approvals.workflow("cross_territory_request").waiting(personas.manager)
    with pytest.raises(DomainError):
        request_services.decide_cross_territory(request=request, by=personas.manager, approve=True)

    assert request in approvals.workflow("cross_territory_request").waiting(personas.director)
    request = request_services.decide_cross_territory(
        request=request, by=personas.director, approve=True
    )
    assert request.status == CrossTerritoryRequest.Status.APPROVED


def test_a_managers_own_trip_plan_goes_to_the_director(personas):
    plan = TripPlanFactory(salesperson=personas.manager)
    PlannedVisitFactory(plan=plan, customer=CustomerFactory(territory=personas.shanghai_city))
    plan = plan_services.submit_trip_plan(plan=plan, by=personas.manager)

    assert plan not in approvals.workflow("trip_plan").waiting(personas.manager)
    with pytest.raises(DomainError):
        plan_services.decide_trip_plan(plan=plan, by=personas.manager, decision="approve")
    plan = plan_services.decide_trip_plan(plan=plan, by=personas.director, decision="approve")
    assert plan.status == TripPlan.Status.APPROVED


# --- rules.md §1.6: records stay with the region they were made in ----------------------------


def test_a_plan_stays_with_its_region_after_the_salesperson_moves(personas, login, draft_plan):
    plan_services.submit_trip_plan(plan=draft_plan, by=personas.salesperson)
    _move_to_south(personas.salesperson, personas)
    url = reverse("visits:plan", args=[draft_plan.pk])

    for person in (personas.manager, personas.director, personas.salesperson):
        assert login(person).get(url).status_code == 200, person
    assert login(personas.other_manager).get(url).status_code == 404
    # …and it still waits for the East China manager, who decides it on its page.
    assert draft_plan in approvals.workflow("trip_plan").waiting(personas.manager)


def test_a_claim_stays_with_its_region_after_the_salesperson_moves(personas, login):
    claim = _submitted_claim(personas.salesperson)
    _move_to_south(personas.salesperson, personas)
    url = reverse("expenses:claim", args=[claim.pk])

    for person in (personas.manager, personas.director, personas.salesperson):
        assert login(person).get(url).status_code == 200, person
    assert login(personas.other_manager).get(url).status_code == 404


# --- rules.md §1.7: 404 outside the scope, 403 to a read-only role, the same for every type ---


def _decide_urls(personas, draft_plan):
    plan = plan_services.submit_trip_plan(plan=draft_plan, by=personas.salesperson)
    claim = _submitted_claim(personas.salesperson)
    request = request_services.request_cross_territory(
        customer=CustomerFactory(territory=personas.jiangsu),
        by=personas.salesperson,
        reason="Their buyer sits in Hangzhou",
    )
    return {
        "trip_plan": reverse("decide", args=["trip_plan", plan.pk]),
        "expense_claim": reverse("decide", args=["expense_claim", claim.pk]),
        "cross_territory_request": reverse("decide", args=["cross_territory_request", request.pk]),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("head_office", 403), ("salesperson", 403), ("other_manager", 404)],
)
def test_the_same_answer_for_plans_claims_and_requests(
    personas, login, draft_plan, persona, expected
):
    client = login(getattr(personas, persona))
    for key, url in _decide_urls(personas, draft_plan).items():
        response = client.post(url, {"decision": "approve"}, HTTP_HX_REQUEST="true")
        assert response.status_code == expected, key


# --- rules.md §1.9: one decision per request ---------------------------------------------------


def test_the_second_decider_hears_already_decided_not_forbidden(personas, login, draft_plan):
    urls = _decide_urls(personas, draft_plan)
    client = login(personas.manager)
    for key, url in urls.items():
        first = client.post(url, {"decision": "approve"}, HTTP_HX_REQUEST="true")
        second = client.post(url, {"decision": "approve"}, HTTP_HX_REQUEST="true")
        assert first.status_code == second.status_code == 200, key
        assert "already decided by 王建国" in second.text, key
        assert 'name="decision"' not in second.text, key


def test_decide_names_the_first_decider_and_the_outcome(personas, draft_plan):
    plan = plan_services.submit_trip_plan(plan=draft_plan, by=personas.salesperson)
    approvals.decide(record=plan, by=personas.manager, decision="reject", comment="Too long")

    with pytest.raises(AlreadyDecided, match=r"already decided by 王建国 \(Rejected\)"):
        approvals.decide(record=plan, by=personas.admin, decision="approve")


def test_a_comment_is_needed_to_return_or_reject(personas):
    claim = _submitted_claim(personas.salesperson)
    with pytest.raises(DomainError) as refusal:
        approvals.decide(record=claim, by=personas.manager, decision="return", comment="  ")
    assert refusal.value.field == "comment"


def test_a_request_offers_approve_and_reject_only(personas):
    request = _managers_request(personas)
    with pytest.raises(DomainError):
        approvals.decide(record=request, by=personas.director, decision="return", comment="x")


def test_the_database_refuses_an_unknown_claim_status(personas):
    from django.db import IntegrityError, transaction

    claim = _submitted_claim(personas.salesperson)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExpenseClaim.objects.filter(pk=claim.pk).update(status="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        CrossTerritoryRequest.objects.filter(pk=_managers_request(personas).pk).update(
            status="lost"
        )


# --- Waiting for me ----------------------------------------------------------------------------


def test_waiting_for_me_lists_plans_claims_and_requests(personas, login, draft_plan):
    _decide_urls(personas, draft_plan)
    page = login(personas.manager).get(reverse("waiting")).content.decode()

    assert page.count('class="decision-buttons"') == 3
    assert "Trip starts in" in page and "Waiting for" in page


def _submitted_plans(personas, count: int, *, first_day: int = 0) -> list[TripPlan]:
    plans = []
    for index in range(first_day, first_day + count):
        plan = TripPlanFactory(salesperson=personas.salesperson)
        plan.starts_on += timedelta(days=7 * index)
        plan.ends_on = plan.starts_on + timedelta(days=2)
        plan.save()
        PlannedVisitFactory(plan=plan, customer=CustomerFactory(territory=personas.xihu))
        plans.append(plan_services.submit_trip_plan(plan=plan, by=personas.salesperson))
    return plans


def _listed_plans(response) -> list[int]:
    sections = {section["key"]: section for section in response.context["sections"]}
    return [row["record"].pk for row in sections["trip_plan"]["rows"]]


def test_waiting_for_me_shows_the_first_of_each_kind_and_pages_through_one(personas, login):
    plans = _submitted_plans(personas, WAITING_PER_PAGE + 3)
    client = login(personas.manager)

    overview = client.get(reverse("waiting"))
    assert _listed_plans(overview) == [plan.pk for plan in plans[:WAITING_PER_PAGE]]
    page = overview.content.decode()
    assert f"({WAITING_PER_PAGE + 3})" in page and 'href="?type=trip_plan"' in page
    assert f'id="waiting-count">{WAITING_PER_PAGE + 3}<' in page

    second = client.get(reverse("waiting"), {"type": "trip_plan", "page": 2})
    assert _listed_plans(second) == [plan.pk for plan in plans[WAITING_PER_PAGE:]]
    assert 'href="?type=trip_plan&page=1"' in second.content.decode()
    past_the_end = client.get(reverse("waiting"), {"type": "trip_plan", "page": 9})
    assert _listed_plans(past_the_end) == _listed_plans(second)
    not_a_number = client.get(reverse("waiting"), {"type": "trip_plan", "page": "二"})
    assert _listed_plans(not_a_number) == _listed_plans(overview)


def test_waiting_for_me_reads_as_many_rows_for_a_long_queue_as_for_a_short_one(
    personas, login, django_assert_num_queries
):
    client = login(personas.manager)
    _submitted_plans(personas, 2)
    with CaptureQueriesContext(connection) as short:
        client.get(reverse("waiting"))
    _submitted_plans(personas, WAITING_PER_PAGE + 5, first_day=2)
    with django_assert_num_queries(len(short.captured_queries)):
        long = client.get(reverse("waiting"))
    assert len(_listed_plans(long)) == WAITING_PER_PAGE


def test_the_old_queues_open_waiting_for_me(personas, login):
    client = login(personas.manager)
    assert client.get(reverse("visits:approvals")).url == "/approvals/?type=trip_plan"
    assert client.get(reverse("expenses:queue")).url == "/approvals/?type=expense_claim"


def test_the_plan_page_offers_the_decision(personas, login, draft_plan):
    plan_services.submit_trip_plan(plan=draft_plan, by=personas.salesperson)
    url = reverse("visits:plan", args=[draft_plan.pk])

    assert 'name="decision" value="return"' in login(personas.manager).get(url).text
    assert 'name="decision"' not in login(personas.salesperson).get(url).text
    assert 'name="decision"' not in login(personas.head_office).get(url).text


def test_the_home_page_counts_everything_waiting(personas, login, draft_plan):
    _decide_urls(personas, draft_plan)
    page = login(personas.manager).get("/").content.decode()
    assert 'id="waiting-panel-count">3<' in page


# --- threads: the state machine's shared field is never switched off --------------------------


@pytest.mark.parametrize("model", [TripPlan, ExpenseClaim, CrossTerritoryRequest])
def test_refreshing_a_record_never_unprotects_the_shared_status_field(
    personas, draft_plan, monkeypatch, model
):
    """django-fsm's own refresh switched the class's field to unprotected during the reload,
    which another thread of a threaded server could see (a 500 on simultaneous decisions)."""
    from django.db import models

    plan_services.submit_trip_plan(plan=draft_plan, by=personas.salesperson)
    _submitted_claim(personas.salesperson)
    _managers_request(personas)
    field = model._meta.get_field("status")
    reload = models.Model.refresh_from_db
    seen = []

    def watched(self, *args, **kwargs):
        seen.append(field.protected)
        return reload(self, *args, **kwargs)

    monkeypatch.setattr(models.Model, "refresh_from_db", watched)
    record = model.objects.get()
    model.objects.filter(pk=record.pk).update(status="approved")
    record.refresh_from_db()

    assert record.status == "approved"
    assert seen and all(seen)
    with pytest.raises(AttributeError):
        record.status = "rejected"  # still protected on the instance


def test_the_claim_page_offers_the_decision_to_its_decider_only(personas, login):
    claim = _submitted_claim(personas.salesperson)
    url = reverse("expenses:claim", args=[claim.pk])

    assert 'name="decision" value="approve"' in login(personas.manager).get(url).text
    for person in (personas.salesperson, personas.director, personas.head_office):
        assert 'name="decision"' not in login(person).get(url).text, person
