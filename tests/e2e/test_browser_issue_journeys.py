"""What users hit in a real browser, in Chinese and in English: a visit's follow-up date, an
approved cross-territory request, and the keyboard-first visit form at laptop size."""

import pytest
from django.utils import timezone

from territories import services as territory_services
from territories.models import CrossTerritoryRequest
from tests.conftest import LAPTOP, log_in_through_browser, pick_suggestion
from tests.customers.factories import CustomerFactory
from visits.models import Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _says(page, zh: str, en: str) -> str:
    return zh if page.language == "zh-hans" else en


def _log_visit_of(page, customer_name: str, typed: str) -> None:
    """On the visit form: pick the customer, leave the rest but the result, save."""
    pick_suggestion(page, page.locator("[name=customer]"), typed, customer_name)
    page.locator("[name=result]").fill("同意试用")


def test_follow_up_date_set_today_lists_the_customer_as_due_today(lang_page, personas):
    customer = CustomerFactory(
        name="杭州永固胶业", territory=personas.xihu, owner=personas.salesperson
    )
    today = timezone.localdate()
    log_in_through_browser(lang_page, personas.salesperson)

    lang_page.goto("/visits/new/")
    _log_visit_of(lang_page, customer.name, "永固")
    lang_page.locator("[name=follow_up_on]").fill(today.isoformat())
    lang_page.locator("#save-visit").click()
    lang_page.locator("#visit-saved", has_text=customer.name).wait_for()

    lang_page.goto("/")
    due_today = lang_page.locator("#due-today-mine")
    assert customer.name in due_today.inner_text()
    assert (
        _says(lang_page, "今日到期", "Due today")
        in lang_page.locator("#follow-ups-mine").inner_text()
    )
    due_today.get_by_role("link", name=customer.name).click()
    follow_up = lang_page.locator("#next-follow-up").inner_text()
    assert today.isoformat() in follow_up
    assert _says(lang_page, "无需跟进", "none required") not in follow_up


def test_approved_request_opens_the_customers_page_and_a_call_is_logged(
    lang_page, open_tab, personas
):
    customer = CustomerFactory(
        name="宁波华达包装", territory=personas.ningbo, owner=personas.salesperson
    )
    cross = territory_services.request_cross_territory(
        customer=customer, by=personas.colleague, reason="Their buyer sits in Nanjing"
    )
    log_in_through_browser(lang_page, personas.colleague)
    page_url = f"{lang_page.base_url}/customers/{customer.pk}/"
    assert lang_page.request.get(page_url).status == 404  # not before the approval

    manager = open_tab(lang_page.language)
    log_in_through_browser(manager, personas.manager)
    manager.goto("/territories/requests/")
    manager.locator(f"#request-{cross.pk} button[value=approve]").click()
    manager.locator(
        f"#request-{cross.pk}", has_text=_says(lang_page, "已批准", "Approved")
    ).wait_for()

    response = lang_page.goto(f"/customers/{customer.pk}/")
    assert response.status == 200
    assert customer.name in lang_page.locator("h1").inner_text()
    lang_page.locator("#log-visit").click()
    lang_page.wait_for_url("**/visits/new/**")
    assert lang_page.locator("[name=customer]").input_value() == f"{customer.name} #{customer.pk}"
    lang_page.locator("[name=kind]").select_option(Visit.Kind.PHONE)
    lang_page.locator("[name=result]").fill("约好下周送样")
    lang_page.locator("#save-visit").click()
    saved = lang_page.locator("#visit-saved")
    saved.wait_for()
    assert _says(lang_page, "已保存", "saved") in saved.inner_text()

    visit = Visit.objects.get()
    assert (visit.salesperson, visit.customer, visit.kind) == (
        personas.colleague,
        customer,
        Visit.Kind.PHONE,
    )


def test_refused_customer_links_to_the_request_form_and_another_region_says_why(
    lang_page, personas
):
    colleagues = CustomerFactory(name="南京华泰包装", territory=personas.jiangsu)
    CustomerFactory(name="深圳宝安胶业", territory=personas.shenzhen)
    log_in_through_browser(lang_page, personas.salesperson)

    lang_page.goto("/visits/new/")
    lang_page.locator("[name=customer]").fill(colleagues.name)
    lang_page.locator("#save-visit").click()
    offer = lang_page.locator("#cross-request-offer a")
    offer.wait_for()
    assert not Visit.objects.exists()

    lang_page.locator("[name=customer]").fill("深圳宝安胶业")
    lang_page.locator("#save-visit").click()
    refusal = lang_page.locator("#visit-form", has_text=_says(lang_page, "华南大区", "South China"))
    refusal.wait_for()
    text = lang_page.locator("#visit-form").inner_text()
    assert _says(lang_page, "其他大区", "another region") in text
    assert _says(lang_page, "请从列表中选择", "Choose one customer") not in text

    lang_page.locator("[name=customer]").fill(colleagues.name)
    lang_page.locator("#save-visit").click()
    offer.click()
    lang_page.wait_for_url("**/territories/requests/new/**")
    assert (
        lang_page.locator("[name=customer]").input_value() == f"{colleagues.name} #{colleagues.pk}"
    )
    lang_page.locator("[name=reason]").fill("采购在杭州")
    request_form = lang_page.locator("form", has=lang_page.locator("[name=reason]"))
    request_form.locator("[type=submit]").click()
    lang_page.wait_for_url("**/territories/requests/")
    assert CrossTerritoryRequest.objects.get().customer == colleagues


def _in_view(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"]


def test_visit_form_is_keyboard_first_and_fits_a_laptop_screen(lang_page, personas):
    first = CustomerFactory(name="杭州永固胶业", territory=personas.xihu)
    second = CustomerFactory(name="宁波华达包装", territory=personas.ningbo)
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.goto("/visits/new/")

    assert lang_page.evaluate("window.scrollY") == 0
    assert _in_view(lang_page.locator("#save-visit"))
    assert _in_view(lang_page.locator("#entered-today"))
    assert not lang_page.locator("[name=competitor_brand]").is_visible()  # folded away

    for customer, kind_key in [(first, "P"), (second, "O")]:
        lang_page.locator("#id_customer:focus").wait_for()
        lang_page.keyboard.type(customer.name)
        lang_page.keyboard.press("Tab")
        assert lang_page.evaluate("document.activeElement.name") == "kind"  # one Tab
        lang_page.keyboard.press(kind_key)
        lang_page.keyboard.press("Tab")
        assert lang_page.evaluate("document.activeElement.name") == "person_met"
        lang_page.keyboard.type("陈经理")
        lang_page.keyboard.press("Control+Enter")
        lang_page.locator("#visit-saved", has_text=customer.name).wait_for()
        assert lang_page.evaluate("window.scrollY") == 0
        assert _in_view(lang_page.locator("#save-visit"))

    rows = lang_page.locator("#entered-today tr")
    assert rows.count() == 2
    assert second.name in rows.nth(0).inner_text()  # newest first
    assert _says(lang_page, "今日已录入", "Entered today") in lang_page.content()

    # The competitor's details open from the keyboard: Tab to the toggle, Enter.
    for _ in range(40):
        if lang_page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
        lang_page.keyboard.press("Tab")
    lang_page.keyboard.press("Enter")
    assert lang_page.locator("[name=competitor_brand]").is_visible()
    lang_page.keyboard.press("Tab")
    assert lang_page.evaluate("document.activeElement.name") == "competitor_brand"
