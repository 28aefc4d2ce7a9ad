"""Deadline reminders the day before (issue: "deadline reminders the day before"): on Friday
for the weekly report due Saturday 12:00 (rules.md §9.7), on Saturday for the team summary due
before Sunday (§9.9), on the day before the month's last day for the monthly report (§9.10).

Only to people whose report is not yet submitted, and once per kind, period and recipient
however often the job runs (`salesops.mail.send_once`, the sent-mail ledger)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from reports import deadlines, weeks
from reports.models import MonthlyReport, RegionSummary, WeeklyReport
from salesops.access import sellers_q
from salesops.mail import send_once
from salesops.models import Role, User
from salesops.months import month_start

SUBMITTED = "submitted"


@dataclass
class Reminder:
    kind: str  # a reports.deadlines kind
    period: date
    people: QuerySet[User]

    @property
    def ledger_kind(self) -> str:
        return f"reports.reminder.{self.kind}"


def _reachable(people: QuerySet[User]) -> QuerySet[User]:
    """Active people with an address, in a region (nobody to report to otherwise)."""
    return people.filter(is_active=True, regions__isnull=False).exclude(email="").distinct()


def _weekly(monday: date) -> Reminder:
    submitted = WeeklyReport.objects.filter(
        salesperson=OuterRef("pk"), week_start=monday, status=SUBMITTED
    )
    people = User.objects.filter(sellers_q()).exclude(Exists(submitted))
    return Reminder(deadlines.WEEKLY, monday, _reachable(people))


def _summary(monday: date) -> Reminder:
    submitted = RegionSummary.objects.filter(
        region__members=OuterRef("pk"), week_start=monday, status=SUBMITTED
    )
    people = User.objects.filter(role=Role.MANAGER).exclude(Exists(submitted))
    return Reminder(deadlines.SUMMARY, monday, _reachable(people))


def _monthly(month: date) -> Reminder:
    submitted = MonthlyReport.objects.filter(
        salesperson=OuterRef("pk"), month=month, status=SUBMITTED
    )
    people = User.objects.filter(sellers_q()).exclude(Exists(submitted))
    return Reminder(deadlines.MONTHLY, month, _reachable(people))


def due_reminders(today: date) -> list[Reminder]:
    """The reminders of a local day: those whose report is due the next day."""
    reminders = []
    if today.weekday() == 4:  # Friday: the weekly report is due Saturday 12:00
        reminders.append(_weekly(weeks.week_start(today)))
    if today.weekday() == 5:  # Saturday: the summary is due before Sunday
        reminders.append(_summary(weeks.week_start(today)))
    if (today + timedelta(days=2)).day == 1:  # tomorrow is the month's last day
        reminders.append(_monthly(month_start(today)))
    return reminders


def _page(reminder: Reminder) -> str:
    if reminder.kind == deadlines.WEEKLY:
        return reverse("reports:weekly_week", args=[reminder.period.isoformat()])
    if reminder.kind == deadlines.SUMMARY:
        return reverse("reports:summary_week", args=[reminder.period.isoformat()])
    return reverse("reports:monthly_month", args=[f"{reminder.period:%Y-%m}"])


def _message(reminder: Reminder, person: User, base_url: str) -> EmailMessage:
    """One mail in both languages (there is no per-person language): Chinese, then English."""
    context = {
        "person": person,
        "kind": reminder.kind,
        "period": reminder.period,
        "deadline": timezone.localtime(deadlines.deadline(reminder.kind, reminder.period)),
        "url": base_url.rstrip("/") + _page(reminder),
    }
    parts, subjects = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subjects.append(render_to_string("reports/mail/reminder_subject.txt", context).strip())
            parts.append(render_to_string("reports/mail/reminder.txt", context).strip())
    return EmailMessage(
        subject=" / ".join(subjects), body="\n\n----\n\n".join(parts), to=[person.email]
    )


def send_reminders(*, today: date | None = None, base_url: str = "") -> int:
    """Send the day's reminders; how many mails left now (0 on a second run the same day)."""
    today = today or timezone.localdate()
    sent = 0
    for reminder in due_reminders(today):
        for person in reminder.people.order_by("pk"):
            sent += send_once(
                reminder.ledger_kind,
                reminder.period.isoformat(),
                person.email,
                lambda reminder=reminder, person=person: _message(reminder, person, base_url),
            )
    return sent
