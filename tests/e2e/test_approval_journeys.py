"""The manager decides where the request is: on the plan page, on the claim page, and on
"Waiting for me" (plans, claims and cross-territory requests together), in both languages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from expenses import services as claim_services
from expenses.models import ExpenseClaim
from salesops.views import WAITING_PER_PAGE
from territories.models import CrossTerritoryRequest
from tests.conftest import log_in_through_browser
from tests.customers.factories import CustomerFactory
from tests.visits.factories import PlannedVisitFactory, TripPlanFactory
from visits import services as plan_services
from visits.models import TripPlan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAVED = {"en": "Decision saved", "zh-hans": "审批已保存"}
APPROVED = {"en": "Approved", "zh-hans": "已批准"}


def _submitted_plan(personas):
    plan = TripPlanFactory(salesperson=personas.salesperson, title="杭州大客户回访")
    for territory in (personas.xihu, personas.ningbo):
        PlannedVisitFactory(plan=plan, customer=CustomerFactory(territory=territory))
    return plan_services.submit_trip_plan(plan=plan, by=personas.salesperson)


def _submitted_claim(personas):
    claim = claim_services.open_claim(by=personas.salesperson, month=date(2025, 7, 1))
    claim_services.add_expense_item(
        claim=claim,
        by=personas.salesperson,
        spent_on=date(2025, 7, 8),
        category="lodging",
        amount=Decimal("680"),
        invoice_number="33010012345678",
    )
    return claim_services.submit_claim(claim=claim, by=personas.salesperson)


def test_manager_decides_on_the_plan_page(lang_page, personas):
    page = lang_page
    plan = _submitted_plan(personas)
    log_in_through_browser(page, personas.manager)

    assert page.locator("#waiting-panel-count").inner_text() == "1"
    page.goto(f"/visits/plans/{plan.pk}/")
    box = page.locator(f"#decision-trip_plan-{plan.pk}")
    box.locator("[name=comment]").fill("同意，注意控制招待费")
    box.locator("[name=decision][value=approve]").click()

    page.locator("[role=status]", has_text=SAVED[page.language]).wait_for()
    assert APPROVED[page.language] in page.locator(f"#decision-trip_plan-{plan.pk}").inner_text()
    assert page.url.endswith(f"/visits/plans/{plan.pk}/")  # decided in place, no detour
    plan.refresh_from_db()
    assert plan.status == TripPlan.Status.APPROVED
    assert plan.transitions.last().comment == "同意，注意控制招待费"


def test_manager_decides_everything_waiting_on_one_page(lang_page, personas):
    page = lang_page
    plan = _submitted_plan(personas)
    claim = _submitted_claim(personas)
    request = CrossTerritoryRequest.objects.create(
        requester=personas.colleague,
        customer=CustomerFactory(territory=personas.ningbo),
        reason="Their buyer sits in Nanjing",
    )
    log_in_through_browser(page, personas.manager)

    assert page.locator("#waiting-panel-count").inner_text() == "3"
    page.locator("#waiting-panel a").click()
    page.wait_for_url("**/approvals/")
    starts = {"en": "Trip starts in", "zh-hans": "天后出发"}[page.language]
    assert starts in page.locator(f"#waiting-trip_plan-{plan.pk}").inner_text()

    plan_box = page.locator(f"#decision-trip_plan-{plan.pk}")
    plan_box.locator("[name=comment]").fill("少去一天")
    plan_box.locator("[name=decision][value=return]").click()
    page.locator(f"#decision-trip_plan-{plan.pk} [role=status]").wait_for()

    page.locator(f"#decision-expense_claim-{claim.pk} [name=decision][value=approve]").click()
    page.locator(f"#decision-expense_claim-{claim.pk} [role=status]").wait_for()

    request_box = page.locator(f"#decision-cross_territory_request-{request.pk}")
    assert request_box.locator("[name=decision][value=return]").count() == 0  # approve/reject
    request_box.locator("[name=decision][value=reject]").click()  # no comment: refused
    page.locator(f"#decision-cross_territory_request-{request.pk} [role=alert]").wait_for()
    request_box = page.locator(f"#decision-cross_territory_request-{request.pk}")
    request_box.locator("[name=comment]").fill("Stay in Jiangsu")
    request_box.locator("[name=decision][value=reject]").click()
    page.locator(f"#decision-cross_territory_request-{request.pk} [role=status]").wait_for()

    assert page.url.endswith("/approvals/")  # all three decided in place
    assert TripPlan.objects.get(pk=plan.pk).status == TripPlan.Status.RETURNED
    assert ExpenseClaim.objects.get(pk=claim.pk).status == ExpenseClaim.Status.APPROVED
    assert CrossTerritoryRequest.objects.get(pk=request.pk).status == "rejected"


def test_a_long_queue_shows_the_soonest_trips_and_pages_through_the_rest(lang_page, personas):
    page = lang_page
    plans = []
    for week in range(WAITING_PER_PAGE + 2):
        plan = TripPlanFactory(salesperson=personas.salesperson, title=f"第{week + 1}周拜访")
        plan.starts_on += timedelta(days=7 * week)
        plan.ends_on = plan.starts_on + timedelta(days=2)
        plan.save()
        PlannedVisitFactory(plan=plan, customer=CustomerFactory(territory=personas.xihu))
        plans.append(plan_services.submit_trip_plan(plan=plan, by=personas.salesperson))
    log_in_through_browser(page, personas.manager)
    page.goto("/approvals/")

    section = page.locator("#waiting-trip_plan")
    assert section.locator("tbody tr").count() == WAITING_PER_PAGE
    assert section.locator(f"#waiting-trip_plan-{plans[-1].pk}").count() == 0
    see_all = {"en": "see them all", "zh-hans": "查看全部"}[page.language]
    section.get_by_role("link", name=see_all).click()
    page.wait_for_url("**/approvals/?type=trip_plan")
    next_page = {"en": "Next", "zh-hans": "下一页"}[page.language]
    page.get_by_role("link", name=next_page).click()
    page.wait_for_url("**/approvals/?type=trip_plan&page=2")

    rows = page.locator("#waiting-trip_plan tbody tr")
    assert rows.count() == 2
    last_box = page.locator(f"#decision-trip_plan-{plans[-1].pk}")
    last_box.locator("[name=decision][value=approve]").click()
    page.locator(f"#decision-trip_plan-{plans[-1].pk} [role=status]").wait_for()
    assert TripPlan.objects.get(pk=plans[-1].pk).status == TripPlan.Status.APPROVED
