"""The customer autocomplete suggests as the user types part of a name, keystroke after keystroke,
on "Log a visit", on the trip plan's planned-visit form and on the cross-territory request."""

import pytest
from playwright.sync_api import expect

from territories.models import CrossTerritoryRequest
from tests.conftest import log_in_through_browser, pick_suggestion
from tests.customers.factories import CustomerFactory
from tests.visits.factories import TripPlanFactory, VisitFactory
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


def test_a_manager_finds_a_salesperson_s_customers_by_part_of_their_name(lang_page, personas):
    CustomerFactory(name="宁波永固胶业", territory=personas.ningbo, owner=personas.salesperson)
    CustomerFactory(name="宁波华达包装", territory=personas.ningbo, owner=personas.colleague)
    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto("/customers/")
    owner = lang_page.locator("#customer-filters [name=owner]")

    owner.click()  # before anything is typed: the region's owners
    expect(lang_page.locator("#owner-options option")).to_have_count(3)
    pick_suggestion(lang_page, owner, "张", "张伟")
    lang_page.locator("#customer-filters button[type=submit]").click()

    rows = lang_page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("宁波华达包装")
    expect(owner).to_have_value(f"张伟 #{personas.colleague.pk}")


def test_an_owner_nobody_is_called_is_said_beside_the_filter(lang_page, personas):
    CustomerFactory(name="宁波永固胶业", territory=personas.ningbo, owner=personas.salesperson)
    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto("/customers/")

    lang_page.locator("#customer-filters [name=owner]").fill("不存在的人")
    # The typing's own request for suggestions goes out after the field's delay; submitting
    # in the middle of it would abort it, which htmx logs as an error (as in pick_suggestion).
    lang_page.wait_for_load_state("networkidle")
    lang_page.locator("#customer-filters button[type=submit]").click()

    message = {"zh-hans": "请从列表中选择一位人员。", "en": "Choose one person from the list."}
    expect(lang_page.locator("#id_owner-error")).to_have_text(message[lang_page.language])
    expect(lang_page.locator("table tbody")).not_to_contain_text("宁波永固胶业")


def test_the_visit_log_finds_a_salesperson_by_part_of_their_name(lang_page, personas):
    books = ((personas.salesperson, "宁波永固胶业"), (personas.colleague, "宁波华达包装"))
    for owner, name in books:
        customer = CustomerFactory(name=name, territory=personas.ningbo, owner=owner)
        VisitFactory(customer=customer, salesperson=owner)
    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto("/visits/")

    pick_suggestion(lang_page, lang_page.locator("[name=salesperson]"), "张", "张伟")
    lang_page.locator("#visit-log-filters button[type=submit]").click()

    rows = lang_page.locator("#visit-log tbody tr[id^=visit-]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("宁波华达包装")
