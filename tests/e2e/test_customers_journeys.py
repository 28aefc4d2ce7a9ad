"""Customers in a real browser: import a prospect file, fix an error, see the classes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Customer
from tests.conftest import follow_menu, log_in_through_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SOON = timezone.localdate() + timedelta(days=10)
LATER = timezone.localdate() + timedelta(days=60)


def _prospect_file(yonggu_phone: str) -> bytes:
    lines = [
        "客户名称,辖区,电话,联系人,月需求(元),预计下单日期",
        f"宁波永固胶业有限公司,330200,{yonggu_phone},王芳,80000,{SOON:%Y-%m-%d}",
        f"杭州新华达胶带厂,330100,0571-88886666,李强,20000,{SOON:%Y-%m-%d}",
        f"西湖大华包装有限公司,330106,13900002222,赵总,120000,{LATER:%Y-%m-%d}",
        "宁波小五金,330200,,,5000,",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _upload(page, content: bytes) -> None:
    page.goto("/customers/import/")
    page.get_by_label("CSV or XLSX file").set_input_files(
        files=[{"name": "prospects.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Read the file").click()


def test_salesperson_imports_a_prospect_file_fixes_an_error_and_sees_the_classes(page, personas):
    log_in_through_browser(page, personas.salesperson)
    follow_menu(page, "Customers")
    page.get_by_role("link", name="Import a list").click()

    _upload(page, _prospect_file(yonggu_phone="call me"))
    errors = page.locator("#import-errors")
    errors.wait_for()
    assert "Line 2" in errors.inner_text()
    assert not Customer.objects.exists()

    page.get_by_role("link", name="Upload the corrected file").click()
    _upload(page, _prospect_file(yonggu_phone="0574-8888 6666"))
    assert "4 lines ready, 0 with errors" in page.content()
    page.get_by_role("button", name="Import").click()

    page.locator("#import-status", has_text="4 prospects imported.").wait_for()
    page.get_by_role("link", name="See them by class").click()
    table = page.locator("#customer-table")
    table.wait_for()
    classes = {
        row.locator(".customer-class").inner_text(): row.locator("td").nth(1).inner_text()
        for row in table.locator("tbody tr").all()
    }
    assert set(classes) == {"A", "B", "C", "D"}
    assert classes["A"].startswith("宁波永固胶业有限公司")
    assert classes["D"].startswith("宁波小五金")
