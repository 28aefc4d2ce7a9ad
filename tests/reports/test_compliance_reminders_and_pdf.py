"""Compliance for the scorecard (rules.md §9.6, §10.5), deadline reminders the day before (sent
once however often the job runs), a week corrected after its report, and reports as PDF."""

import io
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from reports import deadlines, reminders, selectors, services
from reports.tasks import send_report_reminders
from salesops.models import Role, SentMail, User
from tests.customers.factories import CustomerFactory
from tests.factories import UserFactory
from tests.sales.factories import local
from visits import services as visit_services

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 16)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _weekly(person, moment, monday=MONDAY, **texts):
    with at(moment):
        report = services.save_weekly_report(
            salesperson=person, week_start=monday, by=person, **texts
        )
        return services.submit_weekly_report(report=report, by=person)


# --- compliance(people, periods) --------------------------------------------------------------


def test_compliance_per_person_and_period_in_two_queries(personas):
    _weekly(personas.salesperson, local(2026, 11, 6, 17), monday=date(2026, 11, 2))
    _weekly(personas.salesperson, local(2026, 11, 14, 12), monday=date(2026, 11, 9))  # late
    people = [personas.salesperson, personas.colleague]
    weeks = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.compliance(people, weeks, now=local(2026, 11, 24, 9))
    assert len(queries) == 1  # people given as a list: only their reports are read
    states = [(row.salesperson.username, str(row.period), row.state) for row in rows]
    assert states == [
        ("li", "2026-11-02", "on_time"),
        ("li", "2026-11-09", "late"),
        ("li", "2026-11-16", "missing"),
        ("li", "2026-11-23", "open"),
        ("zhang", "2026-11-02", "missing"),
        ("zhang", "2026-11-09", "missing"),
        ("zhang", "2026-11-16", "missing"),
        ("zhang", "2026-11-23", "open"),
    ]
    li = [row for row in rows if row.salesperson == personas.salesperson]
    assert selectors.on_time_rate(li) == Decimal("0.3333")  # 1 of 3 due; the open week waits
    assert selectors.on_time_rate(rows[3:4]) is None  # nothing due yet: no rate, not zero


def test_compliance_of_the_summary_is_the_regions_managers(personas):
    with at(local(2026, 11, 21, 20)):
        summary = services.save_region_summary(
            region=personas.east, week_start=MONDAY, by=personas.manager
        )
        services.submit_region_summary(summary=summary, by=personas.manager)
    rows = selectors.compliance(
        [personas.manager, personas.other_manager],
        [MONDAY],
        kind=deadlines.SUMMARY,
        now=local(2026, 11, 23, 9),
    )
    assert [(row.salesperson.username, row.state) for row in rows] == [
        ("wang", "on_time"),
        ("huang", "missing"),
    ]


# --- a week corrected after its report --------------------------------------------------------


def test_the_report_keeps_what_was_reported_and_shows_the_correction(personas, login):
    customer = CustomerFactory(name="杭州永固胶业", territory=personas.xihu)
    with at(local(2026, 11, 18, 18)):
        visit = visit_services.record_visit(
            by=personas.salesperson,
            customer=customer,
            visited_at=local(2026, 11, 18, 10),
            kind="on_site",
            person_met="陈经理",
            result="同意试用",
        )
    report = _weekly(personas.salesperson, local(2026, 11, 20, 17))
    with at(local(2026, 11, 23, 9)):
        visit_services.change_visit(
            visit=visit, by=personas.manager, reason="客户更正", result="暂不试用"
        )
    page = login(personas.manager).get(reverse("reports:weekly_report", args=[report.pk]))
    html = page.content.decode()
    assert "同意试用" in html  # what was reported
    assert "visit-corrected" in html and "暂不试用" in html  # and the correction beside it
    assert report.snapshot["visits"][0]["result"] == "同意试用"


# --- reminders the day before -----------------------------------------------------------------


def test_reminders_go_the_day_before_to_those_not_submitted_once(personas, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    User.objects.update(email="")  # only the people below can be reached
    for person in (personas.salesperson, personas.colleague, personas.manager):
        person.email = f"{person.username}@example.com"
        person.save(update_fields=["email"])
    _weekly(personas.colleague, local(2026, 11, 20, 8))  # Zhang has submitted already
    friday = local(2026, 11, 20, 9)
    with at(friday):
        assert send_report_reminders.delay().get() == 2
        # The same day again: the ledger holds today's run as done, so the job does not run;
        # and the sent-mail ledger alone would send nothing either.
        assert send_report_reminders.delay().get() is None
        assert reminders.send_reminders() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["li@example.com", "wang@example.com"]
    message = mail.outbox[0]
    assert "2026-11-21 12:00" in message.body  # the deadline, local time
    assert "周报" in message.subject and "weekly report" in message.subject
    assert "/reports/weekly/week/2026-11-16/" in message.body
    assert SentMail.objects.filter(kind="reports.reminder.weekly", period="2026-11-16").count() == 2


def test_saturday_reminds_the_managers_and_the_months_eve_the_sellers(personas):
    User.objects.update(email="")
    for person in (personas.salesperson, personas.manager, personas.other_manager):
        person.email = f"{person.username}@example.com"
        person.save(update_fields=["email"])
    with at(local(2026, 11, 21, 9)):  # Saturday: the summary is due before Sunday
        assert reminders.send_reminders() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["huang@example.com", "wang@example.com"]
    mail.outbox.clear()
    with at(local(2026, 11, 29, 9)):  # the day before 30 November, the month's last day
        assert reminders.send_reminders() == 3  # the sellers with an address (managers sell)
    assert {m.to[0] for m in mail.outbox} == {
        "li@example.com",
        "wang@example.com",
        "huang@example.com",
    }
    assert all("2026-11" in m.subject for m in mail.outbox)
    with at(local(2026, 11, 24, 9)):  # a Tuesday: nothing due tomorrow
        assert reminders.send_reminders() == 0


def test_no_reminder_on_other_days(personas):
    assert [r.kind for r in reminders.due_reminders(date(2026, 11, 19))] == []
    # 28 February 2028, a Monday: the day before the 29th, the month's last day
    assert [r.kind for r in reminders.due_reminders(date(2028, 2, 28))] == [deadlines.MONTHLY]
    # 27 February 2027, a Saturday and the day before the 28th: the summary and the month
    assert [r.kind for r in reminders.due_reminders(date(2027, 2, 27))] == [
        deadlines.SUMMARY,
        deadlines.MONTHLY,
    ]


# --- PDF --------------------------------------------------------------------------------------


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_weekly_report_pdf_keeps_chinese_english_and_markup_as_text(personas, login):
    report = _weekly(
        personas.salesperson,
        local(2026, 11, 20, 17),
        next_week_plan="拜访宁波客户 <script>alert(1)</script> & Co",
        difficulties="Sample delivery delayed 样品延误",
    )
    response = login(personas.manager).get(reverse("reports:weekly_pdf", args=[report.pk]))
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "拜访宁波客户 <script>alert(1)</script> & Co" in text
    assert "Sample delivery delayed 样品延误" in text
    assert "李明" in text
    assert (
        login(personas.other_manager)
        .get(reverse("reports:weekly_pdf", args=[report.pk]))
        .status_code
        == 404
    )


def test_the_summary_and_monthly_pdfs(personas, login):
    with at(local(2026, 11, 21, 20)):
        summary = services.save_region_summary(
            region=personas.east, week_start=MONDAY, by=personas.manager, problems="<b>回款慢</b>"
        )
        services.submit_region_summary(summary=summary, by=personas.manager)
    with at(local(2026, 11, 28, 9)):
        report = services.save_monthly_report(
            salesperson=personas.salesperson,
            month=date(2026, 11, 1),
            by=personas.salesperson,
            review="Month review 本月回顾",
        )
        services.submit_monthly_report(report=report, by=personas.salesperson)
    client = login(personas.director)
    text = _pdf_text(client.get(reverse("reports:summary_pdf", args=[summary.pk])))
    assert "<b>回款慢</b>" in text
    text = _pdf_text(client.get(reverse("reports:monthly_pdf", args=[report.pk])))
    assert "Month review 本月回顾" in text


def test_bigger_teams_still_one_mail_each(personas):
    User.objects.update(email="")
    people = [
        UserFactory(
            username=f"seller{n}",
            email=f"s{n}@example.com",
            role=Role.SALESPERSON,
            regions=[personas.east],
        )
        for n in range(3)
    ]
    with at(local(2026, 11, 20, 9)):
        assert reminders.send_reminders() == len(people)
        assert reminders.send_reminders() == 0


@pytest.mark.worker
def test_the_reminder_job_on_a_real_worker_sends_once(celery_worker, personas):
    User.objects.update(email="")
    for person in (personas.salesperson, personas.colleague):
        person.email = f"{person.username}@example.com"
        person.save(update_fields=["email"])
    with at(local(2026, 11, 20, 9)):  # a Friday
        assert send_report_reminders.delay().get(timeout=30) == 2
        assert send_report_reminders.delay().get(timeout=30) is None  # today's run is done
    assert sorted(m.to[0] for m in mail.outbox) == ["li@example.com", "zhang@example.com"]


def test_the_admin_lists_every_kind_of_report_read_only(personas, login):
    _weekly(personas.salesperson, local(2026, 11, 20, 17))
    client = login(personas.admin)
    for model in ("weeklyreport", "regionsummary", "monthlyreport"):
        assert client.get(f"/admin/reports/{model}/").status_code == 200, model
        assert client.get(f"/admin/reports/{model}/add/").status_code == 403, model
