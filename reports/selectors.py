"""Reads for reports, each taking the acting user (scoped through salesops.access)."""

from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from django.db.models import CharField, QuerySet, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from customers.models import Channel
from expenses.models import ExpenseClaim
from reports import deadlines, weeks
from reports.compliance import (
    Compliance,
    ComplianceRow,
    compliance,
    counts_by_state,
    first_not_on_time,
    on_time_rate,
    week_compliance,
)
from reports.drafts import month_draft, summary_draft, week_draft
from reports.models import (
    MonthlyReport,
    RegionSummary,
    WeeklyReport,
)
from sales.models import QuotaChannel
from salesops import access
from salesops.models import AuditEntry, Role, User
from salesops.months import current_month, parse_day
from territories.models import Region
from visits.models import TripPlan, Visit
from visits.selectors import visits_for


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


# What a home panel shows of a report: whether there is one, its status and whether it was late.
STATUS_FIELDS = ("id", "status", "submitted_at", "is_late")


def report_statuses(
    user: User, *, week: date, month: date, summary_region: Region | None = None
) -> dict[str, WeeklyReport | MonthlyReport | RegionSummary | None]:
    """The user's own report of `week` ("week") and of `month` ("month"), and the weekly summary
    of `summary_region` for `week` ("summary", when a region is named), in one query (the home
    shows all three): each with its status fields only, or None where there is none yet.
    Each is unique for its person or region and period, so the union holds one row per kind."""
    parts = {
        "week": my_weekly_reports(user).filter(week_start=week),
        "month": my_monthly_reports(user).filter(month=month),
    }
    if summary_region is not None:
        parts["summary"] = RegionSummary.objects.filter(region=summary_region, week_start=week)
    rows = [
        queryset.order_by()
        .annotate(kind=Value(kind, output_field=CharField()))
        .values(*STATUS_FIELDS, "kind")
        for kind, queryset in parts.items()
    ]
    models = {kind: queryset.model for kind, queryset in parts.items()}
    found = dict.fromkeys(parts)
    for row in rows[0].union(*rows[1:], all=True):
        found[row["kind"]] = _status_only(models[row["kind"]], row)
    return found


def _status_only(model, row: dict):
    """A report holding only its status fields (the others load if asked for)."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in row]
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[name] for name in names])


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


# --- compliance (rules.md §9.6, §9.7, §9.9, §9.10) ---------------------------------------------
#
# The scorecard (rules.md §10.5) reads `compliance(people, periods, kind=...)` and
# `on_time_rate(rows)`; their signatures are documented in reports/compliance.py and stay stable.

__all__ = ["Compliance", "ComplianceRow", "compliance", "counts_by_state", "on_time_rate"]


def team_compliance(
    user: User, monday: date, *, region: Region | None = None, now: datetime | None = None
):
    """The week's compliance of the user's team, or of one region of it (the team week shows
    one region a page, so it stays bounded by a region's team)."""
    return week_compliance(_team(user, region), monday, now=now)  # one query: many panels


def team_week_behind(
    user: User, monday: date, limit: int, *, now: datetime | None = None
) -> tuple[list[ComplianceRow], int, int]:
    """The first `limit` of the user's team, by name, whose report of the week is not in on
    time, how many such people and the team's size (`first_not_on_time`)."""
    # Each person once: the team's own query joins the regions, and a person in two of them
    # would be counted twice by the windows before its DISTINCT.
    team = User.objects.filter(pk__in=team_people(user).values("pk")).order_by("username")
    return first_not_on_time(team, monday, limit, now=now)


def _team(user: User, region: Region | None):
    """The user's team, or the part of it in one region."""
    people = team_people(user)
    return people if region is None else people.filter(regions=region)


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


def week_content_with_corrections(report: WeeklyReport) -> dict:
    """The submitted week as reported, each visit carrying the manager's corrections made since
    (rules.md §6.4, §9.8): the report keeps what was reported, the page shows who corrected
    what, when and why, before and after."""
    content = report_content(report)
    if not report.is_submitted:
        return content
    entries = _corrections_of(
        Visit,
        [str(visit["id"]) for visit in content["visits"]],
        action="visits.visit.corrected",
        since=report.submitted_at,
    )
    for visit in content["visits"]:
        visit["corrections"] = [
            _correction(entry, Visit) for entry in entries if entry.target_id == str(visit["id"])
        ]
        visit["corrected"] = bool(visit["corrections"])
    return content


def reported_visit_for(user: User, report: WeeklyReport, visit_pk: int) -> Visit:
    """A visit the submitted report lists, fetched through the user's scope; any other is 404."""
    reported = {visit["id"] for visit in report.snapshot.get("visits", [])}
    if visit_pk not in reported:
        raise Http404
    return get_object_or_404(visits_for(user), pk=visit_pk)


def report_corrections(report: WeeklyReport) -> list[dict]:
    """The manager's corrections of the report's own texts, oldest first (rules.md §9.11)."""
    entries = _corrections_of(
        WeeklyReport, [str(report.pk)], action="reports.weekly_report.corrected"
    )
    return [_correction(entry, WeeklyReport) for entry in entries]


def _corrections_of(model, target_ids: list[str], *, action: str, since=None) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(
        action=action,
        target_type=ContentType.objects.get_for_model(model),
        target_id__in=target_ids,
    )
    if since is not None:
        entries = entries.filter(created_at__gt=since)
    return list(entries.select_related("actor").order_by("created_at", "id"))


def _correction(entry: AuditEntry, model) -> dict:
    """One correction for the page: who, when, why, and each field's label, before and after."""
    before, after = entry.changes.get("before", {}), entry.changes.get("after", {})
    return {
        "by": entry.actor,
        "at": entry.created_at,
        "reason": entry.changes.get("reason", ""),
        "fields": [
            (model._meta.get_field(field).verbose_name, before.get(field, ""), value)
            for field, value in after.items()
        ],
    }


def parse_month(value: str | None) -> date:
    """The month named by `?month=YYYY-MM`, else the current month."""
    if value:
        try:
            return date.fromisoformat(f"{value}-01")
        except ValueError:
            raise Http404 from None
    return current_month()


# --- the weekly team summary (rules.md §9.3, §9.9) --------------------------------------------


def summaries_for(user: User) -> QuerySet[RegionSummary]:
    """Managers and directors see their regions' summaries, head office and the admin all;
    salespeople none."""
    queryset = RegionSummary.objects.select_related("region", "author")
    return access.scope(user, queryset, owner="author")


def summary_for(user: User, pk: int) -> RegionSummary:
    return get_object_or_404(summaries_for(user), pk=pk)


def summary_regions(user: User) -> QuerySet[Region]:
    """The regions whose weekly summary this user writes: a regional manager's own."""
    if not access.is_manager(user):
        return Region.objects.none()
    return access.managed_regions(user).order_by("pk")


def summary_of(region: Region, monday: date) -> RegionSummary | None:
    return RegionSummary.objects.filter(region=region, week_start=monday).first()


def summary_comments(summary: RegionSummary):
    return summary.comments.select_related("author")


def region_managers(user: User) -> QuerySet[User]:
    """The managers who owe their region's summary, in the regions this user reads."""
    if not sees_team(user):
        return User.objects.none()
    managers = User.objects.filter(role=Role.MANAGER, is_active=True)
    if not access.sees_all_regions(user):
        managers = managers.filter(regions__in=access.visible_regions(user))
    return managers.distinct().prefetch_related("regions").order_by("username")


def summary_compliance(user: User, monday: date, *, now: datetime | None = None):
    return compliance(region_managers(user), monday, kind=deadlines.SUMMARY, now=now)


def _readable_summary(content: dict) -> dict:
    team = [row | {"report_label": Compliance.LABELS[row["report"]]} for row in content["team"]]
    month = content.get("month")
    return content | {"team": team, "month": date.fromisoformat(month) if month else None}


def summary_content(summary: RegionSummary) -> dict:
    return _readable_summary(summary.snapshot)


def summary_draft_content(region: Region, monday: date) -> dict:
    return _readable_summary(summary_draft(region, monday))


# --- the monthly work report (rules.md §9.4, §9.10) -------------------------------------------


def monthly_reports_for(user: User) -> QuerySet[MonthlyReport]:
    queryset = MonthlyReport.objects.select_related("salesperson", "region")
    return access.scope(user, queryset)


def monthly_report_for(user: User, pk: int) -> MonthlyReport:
    return get_object_or_404(monthly_reports_for(user), pk=pk)


def my_monthly_reports(user: User) -> QuerySet[MonthlyReport]:
    return monthly_reports_for(user).filter(salesperson=user).order_by("-month")


def my_monthly_report(user: User, month: date) -> MonthlyReport | None:
    return monthly_reports_for(user).filter(salesperson=user, month=month).first()


def monthly_comments(report: MonthlyReport):
    return report.comments.select_related("author")


def team_monthly_compliance(
    user: User, month: date, *, region: Region | None = None, now: datetime | None = None
):
    """The month's compliance of the user's team, or of one region of it (the page shows one
    region at a time, so it stays bounded by a region's team)."""
    return compliance(_team(user, region), month, kind=deadlines.MONTHLY, now=now)


def _readable_month(content: dict) -> dict:
    if not content:
        return {}
    quota_channels = dict(QuotaChannel.choices)
    channels = dict(Channel.choices)
    kinds = dict(Visit.Kind.choices)
    plan_states = dict(TripPlan.Status.choices)
    sales = content["sales"] | {
        "channels": [
            row | {"label": quota_channels.get(row["channel"], row["channel"])}
            for row in content["sales"]["channels"]
        ]
    }
    visits = content["visits"] | {
        "kinds": [
            row | {"label": kinds.get(row["kind"], row["kind"])}
            for row in content["visits"]["kinds"]
        ]
    }
    expenses = content.get("expenses")
    if expenses:
        claim_states = dict(ExpenseClaim.Status.choices)
        expenses = expenses | {"label": claim_states.get(expenses["status"], expenses["status"])}
    return content | {
        "month": date.fromisoformat(content["month"]),
        "sales": sales,
        "visits": visits,
        "expenses": expenses,
        "new_customers": [
            row | {"label": channels.get(row["channel"], row["channel"])}
            for row in content["new_customers"]
        ],
        "new_customer_total": sum(row["count"] for row in content["new_customers"]),
        "weekly_reports": [
            {"state": state, "label": Compliance.LABELS[state], "count": count}
            for state, count in content["weekly_reports"].items()
        ],
        "next_month_plans": [
            plan
            | {
                "starts_on": date.fromisoformat(plan["starts_on"]),
                "ends_on": date.fromisoformat(plan["ends_on"]),
                "label": plan_states.get(plan["status"], plan["status"]),
            }
            for plan in content["next_month_plans"]
        ],
    }


def monthly_content(report: MonthlyReport) -> dict:
    """What was reported: the snapshot once submitted (rules.md §9.8, §9.10)."""
    return _readable_month(report.snapshot)


def monthly_draft_content(user: User, month: date) -> dict:
    return _readable_month(month_draft(user, month))
