"""The manager's weekly team summary and the monthly work report in a real browser, in Chinese
and in English: on Friday afternoon the manager comments on a salesperson's report and submits
the region's summary, which the director then comments on; on the month's last day a
salesperson submits their monthly work report."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from reports import services
from reports.models import MonthlyReport, RegionSummary, ReportComment, SummaryComment
from salesops.months import add_months
from tests.conftest import log_in_through_browser
from tests.sales.factories import make_sale, set_quota

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _says(page, zh: str, en: str) -> str:
    return zh if page.language == "zh-hans" else en


def _clock_at(target: datetime):
    """The clock (test and live server alike) runs on from `target`."""
    offset = target - datetime.now(UTC)
    return mock.patch("django.utils.timezone.now", side_effect=lambda: datetime.now(UTC) + offset)


@pytest.fixture
def friday_afternoon():
    today = timezone.localdate()
    friday = today - timedelta(days=today.weekday()) + timedelta(days=4)
    with _clock_at(timezone.make_aware(datetime.combine(friday, time(15, 0)))):
        yield friday - timedelta(days=4)


@pytest.fixture
def last_day_of_the_month():
    month = timezone.localdate().replace(day=1)
    last_day = add_months(month, 1) - timedelta(days=1)
    with _clock_at(timezone.make_aware(datetime.combine(last_day, time(15, 0)))):
        yield month


def test_manager_comments_and_submits_the_region_summary(
    lang_page, open_tab, personas, friday_afternoon
):
    monday = friday_afternoon
    report = services.save_weekly_report(
        salesperson=personas.salesperson,
        week_start=monday,
        by=personas.salesperson,
        difficulties="样品到货慢",
    )
    report = services.submit_weekly_report(report=report, by=personas.salesperson)

    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto(f"/reports/weekly/{report.pk}/")
    lang_page.locator("[name=body]").fill("样品的事我来协调。")
    lang_page.locator("input[name=comment]").click()
    lang_page.locator("#report-comments", has_text="样品的事我来协调。").wait_for()
    assert ReportComment.objects.get().author == personas.manager

    lang_page.goto("/")
    lang_page.locator("#my-summary-status a").click()
    lang_page.wait_for_url(f"**/reports/summaries/week/{monday.isoformat()}/")
    team = lang_page.locator("#summary-team").inner_text()
    assert "李明" in team and _says(lang_page, "按时", "On time") in team
    assert "样品到货慢" in lang_page.locator("#summary-notes").inner_text()
    lang_page.locator("[name=team_review]").fill("本周拜访按计划完成。")
    lang_page.locator("[name=problems]").fill("样品到货慢，已协调。")
    lang_page.locator("input[name=submit]").click()
    lang_page.wait_for_url("**/reports/summaries/*/")
    assert _says(lang_page, "按时", "On time") in lang_page.locator("#report-status").inner_text()
    summary = RegionSummary.objects.get()
    assert summary.is_submitted and not summary.is_late
    assert summary.team_review == "本周拜访按计划完成。"

    director = open_tab(lang_page.language)
    director.language = lang_page.language
    log_in_through_browser(director, personas.director)
    director.goto(f"/reports/summaries/?week={monday.isoformat()}")
    row = director.locator(f"#summary-row-{personas.manager.pk}")
    row.get_by_role("link", name=_says(director, "查看", "Read")).click()
    director.wait_for_url(f"**/reports/summaries/{summary.pk}/")
    director.locator("[name=body]").fill("已阅，下周看回款。")
    director.locator("input[name=comment]").click()
    director.locator("#report-comments", has_text="已阅，下周看回款。").wait_for()
    assert SummaryComment.objects.get().author == personas.director


def test_salesperson_submits_the_monthly_work_report(lang_page, personas, last_day_of_the_month):
    month = last_day_of_the_month
    set_quota(personas.salesperson, month, "100000")
    make_sale(personas.salesperson, "45000.00", timezone.now() - timedelta(hours=2))

    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.locator("#my-month-report-panel a").click()
    lang_page.wait_for_url(f"**/reports/monthly/month/{month:%Y-%m}/")
    assert "45,000.00" in lang_page.locator("#month-sales").inner_text()
    lang_page.locator("[name=review]").fill("本月新开发客户一家。")
    lang_page.locator("[name=next_month_plan]").fill("下月去宁波。")
    lang_page.locator("input[name=submit]").click()
    lang_page.wait_for_url("**/reports/monthly/*/")
    assert _says(lang_page, "按时", "On time") in lang_page.locator("#report-status").inner_text()
    report = MonthlyReport.objects.get()
    assert report.is_submitted and not report.is_late
    assert Decimal(report.snapshot["sales"]["total"]) == Decimal("45000.00")
    assert report.month == date(month.year, month.month, 1)
