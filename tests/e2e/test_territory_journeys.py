"""Foundation journeys in a real browser: log in, read the territory tree, decide a request."""

import pytest

from territories.models import CrossTerritoryRequest
from tests.conftest import follow_menu, log_in_through_browser, pick_suggestion
from tests.customers.factories import CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_approves_a_cross_territory_request_in_place(page, personas):
    customer = CustomerFactory(
        name="宁波永固胶业", territory=personas.ningbo, owner=personas.salesperson
    )
    request = CrossTerritoryRequest.objects.create(
        requester=personas.colleague, customer=customer, reason="Their buyer sits in Nanjing"
    )
    log_in_through_browser(page, personas.manager)

    follow_menu(page, "Cross-territory requests")
    row = page.locator(f"#request-{request.pk}")
    row.get_by_label("Comment").fill("OK for this quarter")
    row.get_by_role("button", name="Approve").click()

    page.locator(f"#request-{request.pk}", has_text="Approved").wait_for()
    assert page.url.endswith("/territories/requests/")  # decided in place, no reload
    request.refresh_from_db()
    assert request.status == CrossTerritoryRequest.Status.APPROVED
    assert request.decided_by == personas.manager


def test_salesperson_sees_own_territories_and_switches_to_chinese(page, personas):
    log_in_through_browser(page, personas.salesperson)

    assert "Zhejiang" in page.locator("#my-territories").inner_text()
    page.get_by_role("button", name="简体中文").click()
    page.locator("#my-territories").wait_for()
    assert "浙江省" in page.locator("#my-territories").inner_text()
    assert "我的辖区" in page.content()


def test_manager_ends_an_assignment_and_gives_the_territory_to_someone_else(page, personas):
    log_in_through_browser(page, personas.manager)
    page.goto("/territories/regions/east-china/")
    page.locator(f"#territory-{personas.jiangsu.pk}").get_by_role("link", name="End").click()
    page.get_by_role("button", name="End assignment").click()
    page.get_by_text("Assignment ended.").wait_for()

    page.locator(f"#territory-{personas.jiangsu.pk}").get_by_role("link", name="Assign").click()
    page.get_by_label("Salesperson").select_option(label="李明")
    page.get_by_role("button", name="Assign").click()

    page.get_by_text("Jiangsu assigned.").wait_for()
    assert "李明" in page.locator(f"#territory-{personas.jiangsu.pk}").inner_text()
    page.locator("#assignment-history-section summary").click()  # folded until asked for
    history = page.locator("#assignment-history").inner_text()
    assert "张伟" in history and "李明" in history  # the ended assignment stays in the history


def test_salesperson_asks_to_work_a_customer_in_a_colleagues_territory(page, personas):
    CustomerFactory(name="南京华泰包装", territory=personas.jiangsu, owner=personas.colleague)
    log_in_through_browser(page, personas.salesperson)
    follow_menu(page, "Cross-territory requests")
    page.get_by_role("link", name="New request").click()
    pick_suggestion(page, page.get_by_label("Customer"), "华泰", "南京华泰包装")
    page.get_by_label("Reason").fill("Their purchasing office is in Hangzhou")
    page.get_by_role("button", name="Send request").click()

    page.get_by_text("Request sent to your regional manager.").wait_for()
    assert "Pending" in page.locator("#cross-requests").inner_text()
    assert CrossTerritoryRequest.objects.get().requester == personas.salesperson
