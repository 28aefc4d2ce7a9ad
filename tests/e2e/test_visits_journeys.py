"""Trip plans and visit records in a real browser (issue 4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import follow_menu, log_in_through_browser
from tests.customers.factories import CustomerFactory
from visits.models import TripPlan, Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def test_salesperson_builds_and_submits_a_plan(page, personas):
    CustomerFactory(
        name="杭州永固胶业", territory=personas.xihu, latitude="30.26", longitude="120.13"
    )
    CustomerFactory(
        name="宁波华达包装", territory=personas.ningbo, latitude="29.87", longitude="121.54"
    )
    monday = _next_monday()
    log_in_through_browser(page, personas.salesperson)

    follow_menu(page, "Trip plans")
    page.get_by_role("link", name="New trip plan").click()
    page.get_by_label("Title").fill("杭州、宁波拜访")
    page.get_by_label("First day").fill(monday.isoformat())
    page.get_by_label("Last day").fill((monday + timedelta(days=1)).isoformat())
    page.get_by_label("Lodging").fill("600")
    page.get_by_label("Transport").fill("320")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/visits/plans/*/")
    plan_url = page.url

    for name, purpose in [("杭州永固胶业", "介绍新品"), ("宁波华达包装", "送样")]:
        page.get_by_label("Customer").fill(name)
        page.get_by_label("Purpose").fill(purpose)
        page.get_by_role("button", name="Add", exact=True).click()
        page.locator(".planned-visits li", has_text=name).wait_for()
    assert page.url == plan_url  # rows added in place
    assert page.locator("svg.route-diagram circle").count() == 2

    page.get_by_role("button", name="Submit for approval").click()
    page.locator("#plan-status", has_text="Submitted").wait_for()
    plan = TripPlan.objects.get()
    assert plan.status == TripPlan.Status.SUBMITTED
    assert plan.planned_visits.count() == 2


def _tab_to(page, element_id):
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_salesperson_logs_two_visits_with_the_keyboard_only(page, personas):
    CustomerFactory(name="杭州永固胶业", territory=personas.xihu)
    CustomerFactory(name="宁波华达包装", territory=personas.ningbo)
    log_in_through_browser(page, personas.salesperson)
    page.goto("/visits/new/")
    form_url = page.url

    for name, kind_key in [("杭州永固胶业", "P"), ("宁波华达包装", "O")]:
        page.locator("#id_customer:focus").wait_for()  # the fresh form starts on the customer
        page.keyboard.type(name)
        page.keyboard.press("Tab")  # "When" comes after the main fields: Type is next
        assert page.evaluate("document.activeElement.id") == "id_kind"
        page.keyboard.press(kind_key)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "id_person_met"
        page.keyboard.type("陈经理")
        page.keyboard.press("Tab")
        page.keyboard.type("采购经理")
        _tab_to(page, "id_result")
        page.keyboard.type("同意试用")
        page.keyboard.press("Control+Enter")
        page.locator("#visit-saved", has_text=name).wait_for()

    assert page.url == form_url  # no reloads
    visits = list(Visit.objects.order_by("id"))
    assert [visit.customer.name for visit in visits] == ["杭州永固胶业", "宁波华达包装"]
    assert [visit.kind for visit in visits] == [Visit.Kind.PHONE, Visit.Kind.ON_SITE]
    assert visits[0].person_position == "采购经理"
    assert page.locator("#entered-today tr").count() == 2
