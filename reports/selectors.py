"""Reads for weekly reports, each taking the acting user (scoped through salesops.access)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from reports import weeks
from reports.drafts import week_draft
from reports.models import ReportComment, WeeklyReport
from sales.models import QuotaChannel
from salesops import access
from salesops.models import User
from salesops.months import parse_day
from visits.models import Visit


def weekly_reports_for(user: User) -> QuerySet[WeeklyReport]:
    """A salesperson sees their own; managers and the director their regions' people's (and
    their own); head office and the admin all; anyone else nothing."""
    queryset = WeeklyReport.objects.select_related("salesperson", "region")
    return access.scope(user, queryset)


def weekly_report_for(user: User, pk: int) -> WeeklyReport:
    return get_object_or_404(weekly_reports_for(user), pk=pk)


def my_weekly_reports(user: User) -> QuerySet[WeeklyReport]:
    return weekly_reports_for(user).filter(salesperson=user).order_by("-week_start")


def my_report_for_week(user: User, monday: date) -> WeeklyReport | None:
    return weekly_reports_for(user).filter(salesperson=user, week_start=monday).first()


def comments_of(report: WeeklyReport):
    return report.comments.select_related("author")


sees_team = access.sees_team


def team_people(user: User) -> QuerySet[User]:
    """The people whose weekly reports this user reads: the sellers of their regions."""
    if not sees_team(user):
        return User.objects.none()
    people = User.objects.filter(access.sellers_q(), is_active=True)
    if not access.sees_all_regions(user):
        people = people.filter(regions__in=access.visible_regions(user))
    return people.distinct().order_by("username")


def parse_week(value: str | None) -> date:
    """The Monday of the week named by `?week=` (any day of it), else the current week."""
    if value:
        day = parse_day(value)
        if day is None:  # not a date, or outside the window of rules.md §0.6
            raise Http404
        return weeks.week_start(day)
    return weeks.current_week()


# --- compliance (rules.md §9.6, §9.7) -----------------------------------------------------------


class Compliance:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    OPEN = "open"  # not submitted yet, and the week's Monday after has not come

    LABELS = {
        ON_TIME: _("On time"),
        LATE: _("Late"),
        MISSING: _("Missing"),
        OPEN: _("Not submitted yet"),
    }


@dataclass
class ComplianceRow:
    salesperson: User
    week_start: date
    state: str
    report_pk: int | None
    submitted_at: datetime | None
    comment_count: int

    @property
    def label(self):
        return Compliance.LABELS[self.state]

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


def _state(submitted: bool, late: bool, monday: date, now: datetime) -> str:
    if submitted:
        return Compliance.LATE if late else Compliance.ON_TIME
    return Compliance.MISSING if now >= weeks.missing_from(monday) else Compliance.OPEN


def compliance(
    people: QuerySet[User], monday: date, *, now: datetime | None = None
) -> list[ComplianceRow]:
    """On time, late, missing or open for each person in `people` for the week, in one query
    whatever the number of people (the monthly rollups and scorecards reuse it per week)."""
    now = now or timezone.now()
    reports = WeeklyReport.objects.filter(salesperson=OuterRef("pk"), week_start=monday)
    submitted = reports.filter(status=WeeklyReport.Status.SUBMITTED)
    comments = (
        ReportComment.objects.filter(report__salesperson=OuterRef("pk"), report__week_start=monday)
        .values("report")
        .annotate(count=Count("pk"))
        .values("count")
    )
    people = people.annotate(
        report_pk=Subquery(reports.values("pk")[:1]),
        report_submitted_at=Subquery(submitted.values("submitted_at")[:1]),
        report_is_late=Subquery(submitted.values("is_late")[:1]),
        report_comments=Subquery(comments[:1]),
    )
    return [
        ComplianceRow(
            salesperson=person,
            week_start=monday,
            state=_state(
                person.report_submitted_at is not None, bool(person.report_is_late), monday, now
            ),
            report_pk=person.report_pk,
            submitted_at=person.report_submitted_at,
            comment_count=person.report_comments or 0,
        )
        for person in people
    ]


def team_compliance(user: User, monday: date, *, now: datetime | None = None):
    return compliance(team_people(user), monday, now=now)


# --- what a report shows ----------------------------------------------------------------------


def _readable(content: dict) -> dict:
    """Labels and dates for the template; the stored JSON stays plain."""
    kinds = dict(Visit.Kind.choices)
    channels = dict(QuotaChannel.choices)
    visits = [
        visit
        | {
            "visited_at": timezone.localtime(parse_datetime(visit["visited_at"])),
            "kind_label": kinds.get(visit["kind"], visit["kind"]),
        }
        for visit in content.get("visits", [])
    ]
    sales = dict(content.get("sales", {}))
    sales["month"] = date.fromisoformat(sales["month"]) if sales.get("month") else None
    sales["channels"] = [
        row | {"label": channels.get(row["channel"], row["channel"])}
        for row in sales.get("channels", [])
    ]
    return {"visits": visits, "sales": sales}


def report_content(report: WeeklyReport) -> dict:
    """What was reported: the snapshot once submitted (rules.md §9.8)."""
    return _readable(report.snapshot)


def draft_content(user: User, monday: date) -> dict:
    """The live draft of the user's own week, from their visits and sales (rules.md §9.1)."""
    return _readable(week_draft(user, monday))
