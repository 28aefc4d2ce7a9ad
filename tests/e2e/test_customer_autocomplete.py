"""The customer autocomplete suggests as the user types part of a name, keystroke after keystroke,
on "Log a visit", on the trip plan's planned-visit form and on the cross-territory request."""

import pytest
from playwright.sync_api import expect

from territories.models import CrossTerritoryRequest
from tests.conftest import log_in_through_browser, pick_suggestion
from tests.customers.factories import CustomerFactory
from tests.visits.factories import TripPlanFactory
from visits.models import PlannedVisit, Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _suggestions(page):
    return page.locator("#customer-options option")


def test_each_keystroke_narrows_the_suggestions_on_the_visit_form(lang_page, personas):
    for name in ["杭州永固胶业", "杭州永发纸业", "宁波华达包装"]:
        CustomerFactory(name=name, territory=personas.xihu)
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.goto("/visits/new/")
    field = lang_page.locator("[name=customer]")

    field.press_sequentially("杭州", delay=50)
    expect(_suggestions(lang_page)).to_have_count(2)
    field.press_sequentially("永固", delay=50)
    expect(_suggestions(lang_page)).to_have_count(1)

    pick_suggestion(lang_page, field, "永固", "杭州永固胶业")
    lang_page.locator("#visit-form button[type=submit]").click()
    lang_page.locator("#visit-saved").wait_for()
    assert Visit.objects.get().customer.name == "杭州永固胶业"


def test_a_planned_visit_takes_a_suggested_customer(lang_page, personas):
    CustomerFactory(name="宁波华达包装", territory=personas.ningbo)
    plan = TripPlanFactory(salesperson=personas.salesperson)
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.goto(f"/visits/plans/{plan.pk}/")

    pick_suggestion(lang_page, lang_page.locator("[name=customer]"), "华达", "宁波华达包装")
    lang_page.locator("[name=purpose]").fill("送样")
    lang_page.locator("#planned-visit-form button[type=submit]").click()
    lang_page.locator(".planned-visits li", has_text="宁波华达包装").wait_for()
    assert PlannedVisit.objects.get().customer.name == "宁波华达包装"


def test_a_cross_territory_request_finds_the_customer_by_part_of_its_name(lang_page, personas):
    CustomerFactory(name="南京华泰包装", territory=personas.jiangsu, owner=personas.colleague)
    CustomerFactory(name="南京金陵胶带", territory=personas.jiangsu, owner=personas.colleague)
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.goto("/territories/requests/new/")

    pick_suggestion(lang_page, lang_page.locator("[name=customer]"), "华泰", "南京华泰包装")
    lang_page.locator("[name=reason]").fill("采购部在杭州")
    lang_page.locator("form input[type=submit]").click()
    lang_page.wait_for_url("**/territories/requests/")
    assert CrossTerritoryRequest.objects.get().customer.name == "南京华泰包装"
