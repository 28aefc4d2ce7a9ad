"""Compliance of reports (rules.md §9.6, §9.7, §9.9, §9.10): on time, late, missing or open,
per person and period, for the weekly report, the manager's weekly team summary and the
monthly work report. The scorecard (rules.md §10.5) reads it through `reports.selectors`."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports import deadlines
from reports.models import MonthlyReport, RegionSummary, ReportComment, WeeklyReport
from salesops.models import User


class Compliance:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    OPEN = "open"  # not submitted yet, and the period is not yet missing

    LABELS = {
        ON_TIME: _("On time"),
        LATE: _("Late"),
        MISSING: _("Missing"),
        OPEN: _("Not submitted yet"),
    }


@dataclass
class ComplianceRow:
    salesperson: User  # the person who owes the report (for a summary: the region's manager)
    period: date  # the week's Monday or the month's 1st
    state: str
    report_pk: int | None
    submitted_at: datetime | None
    comment_count: int
    kind: str = deadlines.WEEKLY

    @property
    def week_start(self) -> date:
        return self.period

    @property
    def label(self):
        return Compliance.LABELS[self.state]

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


def state_of(
    kind: str,
    period: date,
    submitted_at: datetime | None,
    late: bool,
    now,
    *,
    missing_from: datetime | None = None,
) -> str:
    """`missing_from`, when a caller judging many reports of one period has worked it out."""
    if submitted_at is not None:
        return Compliance.LATE if late else Compliance.ON_TIME
    if now >= (missing_from or deadlines.missing_from(kind, period)):
        return Compliance.MISSING
    return Compliance.OPEN


def _reports(kind: str, person_ids: list[int], periods: list[date]) -> QuerySet:
    """The reports of these people and periods as (person, period) rows, in one query."""
    counted = {"comment_count": Count("comments", distinct=True)}
    fields = ["pk", "status", "submitted_at", "is_late", "comment_count"]
    if kind == deadlines.WEEKLY:
        reports = WeeklyReport.objects.filter(salesperson__in=person_ids, week_start__in=periods)
        return reports.annotate(person=F("salesperson"), period=F("week_start"), **counted).values(
            "person", "period", *fields
        )
    if kind == deadlines.MONTHLY:
        reports = MonthlyReport.objects.filter(salesperson__in=person_ids, month__in=periods)
        return reports.annotate(person=F("salesperson"), period=F("month"), **counted).values(
            "person", "period", *fields
        )
    # A summary is the region's: it is owed by each manager of the region.
    reports = RegionSummary.objects.filter(
        region__members__in=person_ids, week_start__in=periods
    ).annotate(person=F("region__members"), period=F("week_start"), **counted)
    return reports.values("person", "period", *fields)


def compliance(
    people: Iterable[User],
    periods: date | Iterable[date],
    *,
    kind: str = deadlines.WEEKLY,
    now: datetime | None = None,
) -> list[ComplianceRow]:
    """On time, late, missing or open for each person and period.

    - `people`: a queryset or list of users who owe the report: sellers for `weekly` and
      `monthly`, regional managers for `summary` (whose region's summary is theirs).
    - `periods`: one date or several — the Monday of each week (`weekly`, `summary`) or the
      1st of each month (`monthly`).
    - `kind`: `reports.deadlines.WEEKLY`, `SUMMARY` or `MONTHLY`.
    - `now`: the moment to judge "missing" against (default: now).

    Returns one `ComplianceRow` per person and period, in the people's order then the
    periods'. Two queries whatever the number of people and periods (the people, then their
    reports). A draft counts as not submitted. The late mark is the one set at submission.
    """
    now = now or timezone.now()
    periods = [periods] if isinstance(periods, date) else sorted(set(periods))
    people = list(people)
    found = {
        (row["person"], row["period"]): row
        for row in _reports(kind, [person.pk for person in people], periods)
    }
    # Once a period, not once a row: a team's half-year is 125 people × 26 weeks at tier L.
    missing_from = {period: deadlines.missing_from(kind, period) for period in periods}
    rows = []
    for person in people:
        for period in periods:
            report = found.get((person.pk, period))
            submitted_at = report["submitted_at"] if report else None
            late = bool(report and report["is_late"])
            state = state_of(
                kind, period, submitted_at, late, now, missing_from=missing_from[period]
            )
            rows.append(
                ComplianceRow(
                    salesperson=person,
                    period=period,
                    state=state,
                    report_pk=report["pk"] if report else None,
                    submitted_at=submitted_at,
                    comment_count=report["comment_count"] if report else 0,
                    kind=kind,
                )
            )
    return rows


def _with_week_report(people: QuerySet[User], monday: date) -> QuerySet[User]:
    """Each person with their report of the week's fields, joined (a person has at most one
    report a week, so the join adds no row). One-value subqueries per field looked the report
    up again for each field of each person: head office's home at tier L, 1,000 people, five
    lookups each, to count who is behind."""
    week_report = FilteredRelation("weekly_reports", condition=Q(weekly_reports__week_start=monday))
    comments = ReportComment.objects.filter(
        report__salesperson=OuterRef("pk"), report__week_start=monday
    )
    return people.annotate(week_report=week_report).annotate(
        report_pk=F("week_report__pk"),
        report_submitted_at=F("week_report__submitted_at"),
        report_is_late=F("week_report__is_late"),
        report_comments=Subquery(
            comments.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
            output_field=IntegerField(),
        ),
    )


def _week_row(person: User, monday: date, missing_from: datetime, now: datetime) -> ComplianceRow:
    submitted_at = person.report_submitted_at
    late = bool(person.report_is_late)
    return ComplianceRow(
        salesperson=person,
        period=monday,
        state=state_of(
            deadlines.WEEKLY, monday, submitted_at, late, now, missing_from=missing_from
        ),
        report_pk=person.report_pk,
        submitted_at=submitted_at,
        comment_count=person.report_comments or 0,
        kind=deadlines.WEEKLY,
    )


def week_compliance(
    people: QuerySet[User], monday: date, *, now: datetime | None = None
) -> list[ComplianceRow]:
    """`compliance(people, monday)` for one week of weekly reports, in one query instead of
    two: each person is read with their report's fields. Same rows, same order as the
    people; the states are those of `state_of`, the week's deadline worked out once."""
    now = now or timezone.now()
    missing_from = deadlines.missing_from(deadlines.WEEKLY, monday)
    return [
        _week_row(person, monday, missing_from, now) for person in _with_week_report(people, monday)
    ]


# A report of the week in on time: submitted, and not late (`state_of`).
IN_ON_TIME = Q(report_submitted_at__isnull=False, report_is_late=False)


def first_not_on_time(
    people: QuerySet[User], monday: date, limit: int, *, now: datetime | None = None
) -> tuple[list[ComplianceRow], int, int]:
    """The first `limit` people, in the people's order, whose report of the week is not in on
    time (late, missing or not yet due), how many such people there are and how many people
    in all, in one query: a home panel's rows and counts, without reading the whole team
    (head office's home at tier L read and judged 1,000 people for ten rows)."""
    now = now or timezone.now()
    missing_from = deadlines.missing_from(deadlines.WEEKLY, monday)
    behind = Case(When(IN_ON_TIME, then=Value(0)), default=Value(1))
    people = _with_week_report(people, monday).annotate(
        behind=behind,
        people_in_all=Window(Count("pk")),
        behind_in_all=Window(Sum(behind)),
    )
    order = [OrderBy(F("behind"), descending=True), *people.query.order_by]
    first = list(people.order_by(*order)[:limit])
    if not first:
        return [], 0, 0
    rows = [_week_row(person, monday, missing_from, now) for person in first if person.behind]
    return rows, first[0].behind_in_all, first[0].people_in_all


def on_time_rate(rows: Iterable[ComplianceRow]) -> Decimal | None:
    """The share of reports due that came in on time (rules.md §10.5), as a fraction 0–1 with
    four places: on time ÷ (on time + late + missing). Open periods are not yet due and do not
    count; with nothing due the rate is None, not zero."""
    counts = counts_by_state(rows)
    due = counts[Compliance.ON_TIME] + counts[Compliance.LATE] + counts[Compliance.MISSING]
    if not due:
        return None
    return (Decimal(counts[Compliance.ON_TIME]) / due).quantize(Decimal("0.0001"))


def counts_by_state(rows: Iterable[ComplianceRow]) -> dict[str, int]:
    counts = dict.fromkeys(Compliance.LABELS, 0)
    for row in rows:
        counts[row.state] += 1
    return counts
