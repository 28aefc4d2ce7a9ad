"""The weekly report in a real browser, in Chinese and in English: the salesperson fills and
submits the week's report on Friday afternoon, then the manager reads the team's week and
comments; the manager corrects a visit of a locked week and the report shows the correction."""

from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from reports.models import ReportComment, WeeklyReport
from tests.conftest import log_in_through_browser
from tests.customers.factories import CustomerFactory
from tests.reports.factories import submitted_report, visit_in_last_week
from tests.visits.factories import VisitFactory
from visits.models import WeekLock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _says(page, zh: str, en: str) -> str:
    return zh if page.language == "zh-hans" else en


@pytest.fixture
def friday_afternoon():
    """The clock (test and live server alike) runs from Friday 15:00 of this week, local time."""
    today = timezone.localdate()
    friday = today - timedelta(days=today.weekday()) + timedelta(days=4)
    target = timezone.make_aware(datetime.combine(friday, time(15, 0)))
    offset = target - datetime.now(UTC)
    with mock.patch("django.utils.timezone.now", side_effect=lambda: datetime.now(UTC) + offset):
        yield friday - timedelta(days=4)


def test_salesperson_submits_the_week_and_the_manager_comments(
    lang_page, open_tab, personas, friday_afternoon
):
    monday = friday_afternoon
    customer = CustomerFactory(name="杭州永固胶业", territory=personas.xihu)
    VisitFactory(
        salesperson=personas.salesperson,
        customer=customer,
        visited_at=timezone.make_aware(datetime.combine(monday + timedelta(days=2), time(10))),
        person_met="陈经理",
        person_position="采购部经理",
        discussion="新品报价",
        result="同意试用",
    )
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.locator("#my-week-report-panel a").click()
    lang_page.wait_for_url(f"**/reports/weekly/week/{monday.isoformat()}/")
    assert "陈经理" in lang_page.locator("#report-visits").inner_text()
    lang_page.locator("[name=next_week_plan]").fill("宁波两家客户送样")
    lang_page.locator("[name=forecast]").fill("下周回款五万")
    lang_page.locator("[name=difficulties]").fill("竞品降价")
    lang_page.locator("input[name=submit]").click()
    lang_page.wait_for_url("**/reports/weekly/*/")
    status = lang_page.locator("#report-status").inner_text()
    assert _says(lang_page, "按时", "On time") in status
    report = WeeklyReport.objects.get()
    assert report.is_submitted and not report.is_late
    assert WeekLock.objects.filter(salesperson=personas.salesperson, week_start=monday).exists()

    manager = open_tab(lang_page.language)
    manager.language = lang_page.language
    log_in_through_browser(manager, personas.manager)
    manager.goto(f"/reports/weekly/team/?week={monday.isoformat()}")
    row = manager.locator(f"#team-row-{personas.salesperson.pk}")
    assert _says(manager, "按时", "On time") in row.inner_text()
    row.get_by_role("link", name=_says(manager, "查看", "Read")).click()
    manager.wait_for_url(f"**/reports/weekly/{report.pk}/")
    assert "宁波两家客户送样" in manager.locator("#report-plan").inner_text()
    manager.locator("[name=body]").fill("宁波要抓紧。")
    manager.locator("input[name=comment]").click()
    manager.locator("#report-comments", has_text="宁波要抓紧。").wait_for()
    comment = ReportComment.objects.get()
    assert (comment.report, comment.author) == (report, personas.manager)


def test_manager_corrects_a_visit_of_a_locked_week_and_the_report_shows_it(lang_page, personas):
    visit = visit_in_last_week(personas.salesperson, personas.xihu)
    report = submitted_report(personas.salesperson)
    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto(f"/reports/weekly/{report.pk}/")
    lang_page.get_by_role("link", name=_says(lang_page, "更正此拜访", "Correct this visit")).click()
    lang_page.wait_for_url(f"**/reports/weekly/{report.pk}/visits/{visit.pk}/correct/")
    lang_page.locator("[name=result]").fill("暂不试用")
    lang_page.locator("input[name=correct]").click()  # no reason yet: refused, nothing changes
    lang_page.locator("[name=reason]:invalid").wait_for()
    lang_page.locator("[name=reason]").fill("客户来电更正")
    lang_page.locator("input[name=correct]").click()
    lang_page.wait_for_url(f"**/reports/weekly/{report.pk}/")
    visits = lang_page.locator("#report-visits").inner_text()
    name = str(personas.manager)
    assert _says(lang_page, f"由 {name} 于", f"Corrected by {name} on") in visits
    assert "同意试用" in visits and "暂不试用" in visits and "客户来电更正" in visits
    visit.refresh_from_db()
    assert visit.result == "暂不试用"
    report.refresh_from_db()
    assert report.snapshot["visits"][0]["result"] == "同意试用"  # what was reported stays
