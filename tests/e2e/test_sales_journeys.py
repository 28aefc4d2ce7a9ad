"""Sales and expense journeys in a real browser: import sales and watch the salesperson's
attainment update; file an expense claim and approve it from the queue."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from expenses import views as expense_views
from expenses.models import ExpenseClaim
from sales.models import Sale
from salesops.months import add_months, current_month
from tests.conftest import follow_menu, log_in_through_browser
from tests.customers.factories import CustomerFactory
from tests.expenses.factories import approved_claim
from tests.sales.factories import set_quota

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_imported_sales_appear_on_the_salespersons_attainment_page(
    open_tab, page, personas, tmp_path
):
    month = current_month()
    set_quota(personas.salesperson, month, "375000")
    CustomerFactory(name="杭州永固胶业", territory=personas.hangzhou, owner=personas.salesperson)
    log_in_through_browser(page, personas.salesperson)
    follow_menu(page, "My attainment")
    page.get_by_text("No scores for this half-year yet.").wait_for()

    head_office = open_tab("en")
    log_in_through_browser(head_office, personas.head_office)
    follow_menu(head_office, "Sales", exact=True)
    head_office.get_by_role("link", name="Import sales").click()
    export = tmp_path / "orders.csv"
    export.write_text(
        "order_number,line,date,customer,salesperson,amount,gross_profit\n"
        f"SO-9001,1,{timezone.localdate():%Y-%m-%d} 00:05,杭州永固胶业,li,150000,36000\n",
        encoding="utf-8",
    )
    head_office.get_by_label("CSV or XLSX file").set_input_files(str(export))
    head_office.get_by_role("button", name="Import").click()
    # A background job (in-process here); the page shows how it ended.
    head_office.get_by_text("1 line checked and imported.").wait_for()
    head_office.get_by_text("1 new, 0 corrected, 0 unchanged.").wait_for()

    row = page.locator(f"#attainment-{personas.salesperson.pk}-{month:%Y-%m}")
    row.wait_for()  # the table refreshes itself: no reload
    assert "150,000.00" in row.locator(".sales").inner_text()
    assert "40.0%" in row.inner_text()
    assert Sale.objects.get().month == month
    head_office.context.close()


def test_salesperson_files_a_claim_and_the_manager_approves_it(open_tab, page, personas):
    log_in_through_browser(page, personas.salesperson)
    follow_menu(page, "Expenses")
    page.get_by_role("button", name="Open claim").click()
    page.get_by_label("Date").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("Category").select_option("lodging")
    page.get_by_label("Amount").fill("680")
    page.get_by_label("Invoice number").fill("33010012345678")
    page.get_by_role("button", name="Add item").click()
    page.get_by_text("Item added.").wait_for()
    assert "680.00" in page.locator("#expense-cap").inner_text()
    page.get_by_role("button", name="Submit claim").click()
    page.get_by_text("Claim submitted to your regional manager.").wait_for()
    claim = ExpenseClaim.objects.get()

    manager = open_tab("en")
    log_in_through_browser(manager, personas.manager)
    manager.goto("/expenses/queue/")  # the old queue opens "Waiting for me" on claims
    box = manager.locator(f"#decision-expense_claim-{claim.pk}")
    box.locator("[name=decision][value=approve]").click()
    manager.locator(f"#decision-expense_claim-{claim.pk}", has_text="Approved").wait_for()

    assert manager.url.endswith("/approvals/?type=expense_claim")  # decided in place
    claim.refresh_from_db()
    assert claim.status == ExpenseClaim.Status.APPROVED
    assert claim.decided_by == personas.manager
    manager.context.close()


CLAIM_PAGES = {
    "zh-hans": {"menu": "费用报销", "next": "下一页", "previous": "上一页"},
    "en": {"menu": "Expenses", "next": "Next", "previous": "Previous"},
}


def test_a_salesperson_pages_back_to_an_old_claim(lang_page, personas, monkeypatch):
    """The claims list a page at a time, newest month first: the oldest claim is a "Next"
    away, and "Previous" comes back to the first page."""
    words = CLAIM_PAGES[lang_page.language]
    months = [add_months(current_month(), -back) for back in range(5)]
    claims = [approved_claim(personas.salesperson, month, amounts=["120"]) for month in months]
    monkeypatch.setattr(expense_views, "CLAIMS_PER_PAGE", 3)
    log_in_through_browser(lang_page, personas.salesperson)

    follow_menu(lang_page, words["menu"], exact=True)
    table = lang_page.locator("#claims tbody")
    first = table.locator("tr").all_inner_texts()
    lang_page.get_by_role("link", name=words["next"]).click()
    expect(table.locator("tr")).to_have_count(2)
    oldest = table.get_by_role("link", name=f"{months[-1]:%Y-%m}")
    oldest.click()

    lang_page.wait_for_url(f"**/expenses/{claims[-1].pk}/")
    lang_page.go_back()
    lang_page.get_by_role("link", name=words["previous"]).click()
    expect(table.locator("tr")).to_have_count(3)
    assert table.locator("tr").all_inner_texts() == first
    assert f"{months[0]:%Y-%m}" in first[0]
