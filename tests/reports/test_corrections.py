"""The manager corrects a submitted weekly report and its week's locked visits (rules.md §6.4,
§9.8, §9.11): a reason is required, before and after are kept, the report shows who corrected
what and when, the author still cannot edit, and outsiders get 404."""

import io
from contextlib import contextmanager
from datetime import date
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import services
from reports.models import WeeklyReport
from salesops.errors import DomainError
from salesops.models import AuditEntry
from tests.customers.factories import CustomerFactory
from tests.sales.factories import local
from visits import services as visit_services
from visits.models import Visit

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 16)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def visit(personas):
    customer = CustomerFactory(name="杭州永固胶业", territory=personas.xihu)
    with at(local(2026, 11, 18, 18)):
        return visit_services.record_visit(
            by=personas.salesperson,
            customer=customer,
            visited_at=local(2026, 11, 18, 10),
            kind="on_site",
            person_met="陈经理",
            result="同意试用",
        )


@pytest.fixture
def report(personas, visit):
    with at(local(2026, 11, 20, 17)):
        draft = services.save_weekly_report(
            salesperson=personas.salesperson,
            week_start=MONDAY,
            by=personas.salesperson,
            next_week_plan="拜访宁波客户",
            forecast="下周两单",
        )
        return services.submit_weekly_report(report=draft, by=personas.salesperson)


def test_manager_corrects_the_reports_text_and_the_audit_keeps_before_and_after(personas, report):
    services.correct_weekly_report(
        report=report, by=personas.manager, reason="预测写错了", forecast="下周一单"
    )
    report.refresh_from_db()
    assert report.forecast == "下周一单"
    assert report.next_week_plan == "拜访宁波客户"
    entry = AuditEntry.objects.get(action="reports.weekly_report.corrected")
    assert entry.actor == personas.manager
    assert entry.changes == {
        "before": {"forecast": "下周两单"},
        "after": {"forecast": "下周一单"},
        "reason": "预测写错了",
    }


def test_a_correction_needs_a_reason(personas, report):
    with pytest.raises(DomainError, match="Say why"):
        services.correct_weekly_report(report=report, by=personas.manager, reason=" ", forecast="x")
    assert not AuditEntry.objects.filter(action="reports.weekly_report.corrected").exists()


def test_a_correction_that_changes_nothing_is_refused(personas, report):
    with pytest.raises(DomainError, match="Nothing was changed"):
        services.correct_weekly_report(
            report=report, by=personas.manager, reason="核对", forecast="下周两单"
        )


@pytest.mark.parametrize("persona", ["salesperson", "director", "head_office", "other_manager"])
def test_only_the_regions_manager_corrects_a_report(personas, report, persona):
    with pytest.raises(DomainError, match="Only the region's manager"):
        services.correct_weekly_report(
            report=report, by=getattr(personas, persona), reason="改", forecast="x"
        )
    assert WeeklyReport.objects.get(pk=report.pk).forecast == "下周两单"


def test_a_draft_is_not_corrected_by_the_manager(personas):
    draft = services.save_weekly_report(
        salesperson=personas.salesperson,
        week_start=MONDAY,
        by=personas.salesperson,
        forecast="草稿",
    )
    with pytest.raises(DomainError):
        services.correct_weekly_report(report=draft, by=personas.manager, reason="改", forecast="x")


def test_manager_corrects_a_locked_visit_of_the_week(personas, report, visit):
    services.correct_reported_visit(
        report=report, visit=visit, by=personas.manager, reason="客户更正", result="暂不试用"
    )
    assert Visit.objects.get(pk=visit.pk).result == "暂不试用"
    entry = AuditEntry.objects.get(action="visits.visit.corrected")
    assert entry.changes["before"] == {"result": "同意试用"}
    assert entry.changes["reason"] == "客户更正"
    report.refresh_from_db()
    assert report.snapshot["visits"][0]["result"] == "同意试用"  # rules.md §9.8


def test_a_visit_of_another_week_is_not_corrected_through_the_report(personas, report):
    customer = CustomerFactory(territory=personas.xihu)
    with at(local(2026, 11, 26, 18)):
        later = visit_services.record_visit(
            by=personas.salesperson,
            customer=customer,
            visited_at=local(2026, 11, 25, 10),
            kind="on_site",
        )
    with pytest.raises(DomainError, match="not one of the report's week"):
        services.correct_reported_visit(
            report=report, visit=later, by=personas.manager, reason="改", result="x"
        )


def test_the_author_still_cannot_edit_a_locked_visit(personas, report, visit):
    with pytest.raises(DomainError, match="ask your manager"):
        visit_services.change_visit(visit=visit, by=personas.salesperson, result="改了")


def test_report_page_shows_who_corrected_what_and_when(personas, login, report, visit):
    with at(local(2026, 11, 23, 9, 30)):
        services.correct_reported_visit(
            report=report, visit=visit, by=personas.manager, reason="客户更正", result="暂不试用"
        )
        services.correct_weekly_report(
            report=report, by=personas.manager, reason="预测写错了", forecast="下周一单"
        )
    page = login(personas.salesperson).get(reverse("reports:weekly_report", args=[report.pk]))
    html = page.content.decode()
    name = str(personas.manager)
    assert html.count(f"Corrected by {name} on 2026-11-23 09:30") == 2
    assert '<del class="correction-before">同意试用</del>' in html
    assert '<ins class="correction-after">暂不试用</ins>' in html
    assert '<del class="correction-before">下周两单</del>' in html
    assert "客户更正" in html and "预测写错了" in html
    assert "correct-visit" not in html  # the author is offered no correction


def test_manager_corrects_a_visit_through_the_form(personas, login, report, visit):
    client = login(personas.manager)
    url = reverse("reports:weekly_visit_correct", args=[report.pk, visit.pk])
    assert "陈经理" in client.get(url).content.decode()
    refused = client.post(url, {"person_met": "陈经理", "result": "暂不试用", "reason": ""})
    assert refused.status_code == 200 and Visit.objects.get(pk=visit.pk).result == "同意试用"
    done = client.post(url, {"person_met": "陈经理", "result": "暂不试用", "reason": "客户更正"})
    assert done.status_code == 302
    assert Visit.objects.get(pk=visit.pk).result == "暂不试用"


def test_manager_corrects_the_report_through_the_form(personas, login, report):
    client = login(personas.manager)
    url = reverse("reports:weekly_correct", args=[report.pk])
    data = {"next_week_plan": "拜访宁波客户", "forecast": "下周一单", "reason": "预测写错了"}
    assert client.post(url, data).status_code == 302
    assert WeeklyReport.objects.get(pk=report.pk).forecast == "下周一单"


def test_a_visit_not_in_the_report_is_404(personas, login, report):
    customer = CustomerFactory(territory=personas.xihu)
    other = visit_services.record_visit(
        by=personas.salesperson, customer=customer, visited_at=local(2026, 11, 25, 10), kind="call"
    )
    url = reverse("reports:weekly_visit_correct", args=[report.pk, other.pk])
    assert login(personas.manager).get(url).status_code == 404


def test_a_manager_of_another_region_gets_404(personas, login, report, visit):
    client = login(personas.other_manager)
    assert client.get(reverse("reports:weekly_correct", args=[report.pk])).status_code == 404
    url = reverse("reports:weekly_visit_correct", args=[report.pk, visit.pk])
    assert client.post(url, {"result": "x", "reason": "y"}).status_code == 404


def test_the_pdf_shows_the_corrections_too(personas, login, report, visit):
    with at(local(2026, 11, 23, 9, 30)):
        services.correct_reported_visit(
            report=report, visit=visit, by=personas.manager, reason="客户更正", result="暂不试用"
        )
        services.correct_weekly_report(
            report=report, by=personas.manager, reason="预测写错了", forecast="下周一单"
        )
    response = login(personas.manager).get(reverse("reports:weekly_pdf", args=[report.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert text.count(f"Corrected by {personas.manager} on 2026-11-23 09:30") == 2
    assert "暂不试用" in text and "下周一单" in text and "预测写错了" in text
