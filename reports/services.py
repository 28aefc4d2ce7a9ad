"""Reports (rules.md §9.1–§9.4, §9.7–§9.10): the only writers of weekly reports, the weekly
team summaries and the monthly work reports, and of the comments on them."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports import deadlines, weeks
from reports.drafts import month_draft, summary_draft, week_draft
from reports.models import (
    MonthlyReport,
    MonthlyReportComment,
    RegionSummary,
    ReportComment,
    SummaryComment,
    WeeklyReport,
)
from salesops import access, audit
from salesops.errors import DomainError
from salesops.models import Role, User
from salesops.months import current_month
from territories.models import Region
from visits.models import Visit
from visits.services import change_visit, lock_week

TEXT_FIELDS = ["next_week_plan", "forecast", "difficulties"]
# The written part of a visit a report shows; the manager corrects these from the report.
CORRECTABLE_VISIT_FIELDS = ["person_met", "person_position", "discussion", "result"]


def _changed_texts(record, texts: dict, fields: list[str]) -> dict[str, str]:
    """The given texts, trimmed, that differ from what the record holds."""
    given = {field: (texts[field] or "").strip() for field in fields if field in texts}
    return {field: text for field, text in given.items() if getattr(record, field) != text}


def _check_week(monday: date) -> None:
    if monday.weekday() != 0:
        raise DomainError(_("A week starts on a Monday."))
    if monday > weeks.current_week():
        raise DomainError(_("A week's report can be written only once the week has begun."))


@transaction.atomic
def save_weekly_report(*, salesperson: User, week_start: date, by: User, **texts) -> WeeklyReport:
    """Create or update the salesperson's draft for the week (their own plan, forecast and
    difficulties). A submitted report is read-only (rules.md §9.2)."""
    if by.pk != salesperson.pk or not salesperson.sells:
        raise DomainError(_("Only the salesperson writes their weekly report."))
    _check_week(week_start)
    region = salesperson.regions.order_by("pk").first()
    if region is None:
        raise DomainError(_("You belong to no region, so there is nobody to report to."))
    report, created = WeeklyReport.objects.select_for_update().get_or_create(
        salesperson=salesperson, week_start=week_start, defaults={"region": region}
    )
    if report.is_submitted:
        raise DomainError(_("This week's report is submitted and can no longer be changed."))
    changed = _changed_texts(report, texts, TEXT_FIELDS)
    for field, value in changed.items():
        setattr(report, field, value)
    if changed and not created:
        report.save(update_fields=[*changed, "updated_at"])
    elif created and changed:
        report.save()
    if created or changed:
        audit.record(
            "reports.weekly_report.created" if created else "reports.weekly_report.changed",
            actor=by,
            target=report,
            changes={"week_start": week_start, "fields": sorted(changed)},
        )
    return report


@transaction.atomic
def submit_weekly_report(*, report: WeeklyReport, by: User) -> WeeklyReport:
    """Submit the week's report (rules.md §9.2): in one transaction, with the row locked,
    snapshot the drafted visits and sales (§9.8), mark it late after Saturday 12:00 (§9.7) and
    lock the week's visits (§6.4)."""
    report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    if by.pk != report.salesperson_id:
        raise DomainError(_("Only the salesperson submits their weekly report."))
    if report.is_submitted:
        submitted = date_format(timezone.localtime(report.submitted_at), "DATETIME_FORMAT")
        raise DomainError(
            _("This week's report was already submitted on %(when)s.") % {"when": submitted}
        )
    _check_week(report.week_start)
    now = timezone.now()
    report.snapshot = week_draft(report.salesperson, report.week_start)
    report.status = WeeklyReport.Status.SUBMITTED
    report.submitted_at = now
    report.is_late = weeks.is_late(report.week_start, now)
    report.save(update_fields=["snapshot", "status", "submitted_at", "is_late", "updated_at"])
    lock_week(
        salesperson=report.salesperson,
        week_start=report.week_start,
        by=by,
        reason="weekly report submitted",
    )
    audit.record(
        "reports.weekly_report.submitted",
        actor=by,
        target=report,
        changes={
            "week_start": report.week_start,
            "late": report.is_late,
            "visits": len(report.snapshot["visits"]),
        },
    )
    return report


def may_comment(user: User, report: WeeklyReport) -> bool:
    """The region's manager (and the director above) comment; head office only reads."""
    return access.managed_regions(user).filter(pk=report.region_id).exists()


@transaction.atomic
def comment_on_report(*, report: WeeklyReport, by: User, body: str) -> ReportComment:
    """The manager's comment on a submitted report (rules.md §9.2), kept with author and time."""
    report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    if not may_comment(by, report):
        raise DomainError(_("Only the region's manager or director comments on its reports."))
    if not report.is_submitted:
        raise DomainError(_("A report can be commented on once it is submitted."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a comment first."), field="body")
    comment = ReportComment.objects.create(report=report, author=by, body=body)
    audit.record(
        "reports.weekly_report.commented",
        actor=by,
        target=report,
        changes={"comment": comment.pk, "body": body},
    )
    return comment


def may_correct(user: User, report: WeeklyReport) -> bool:
    """rules.md §6.4, §9.11: once submitted, only the region's manager corrects the report and
    its week's visits; the author never does."""
    return (
        report.is_submitted
        and user.pk != report.salesperson_id
        and access.is_regional_manager_of(user, report.region)
    )


def _check_correction(*, report: WeeklyReport, by: User, reason: str) -> str:
    if not may_correct(by, report):
        raise DomainError(_("Only the region's manager corrects a submitted report."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the report is corrected."), field="reason")
    return reason


@transaction.atomic
def correct_weekly_report(*, report: WeeklyReport, by: User, reason: str, **texts) -> WeeklyReport:
    """The manager corrects the texts of a submitted report (rules.md §6.4, §9.11): row locked,
    the values before and after and the reason kept in the audit trail."""
    report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    reason = _check_correction(report=report, by=by, reason=reason)
    after = _changed_texts(report, texts, TEXT_FIELDS)
    if not after:
        raise DomainError(_("Nothing was changed."))
    before = {field: getattr(report, field) for field in after}
    for field, value in after.items():
        setattr(report, field, value)
    report.save(update_fields=[*after, "updated_at"])
    audit.record(
        "reports.weekly_report.corrected",
        actor=by,
        target=report,
        changes={"before": before, "after": after, "reason": reason},
    )
    return report


@transaction.atomic
def correct_reported_visit(*, report: WeeklyReport, visit: Visit, by: User, reason: str, **texts):
    """The manager corrects a locked visit of the report's week (rules.md §6.4, §9.8): the
    visit's own service keeps before, after and reason; the submitted report stays as it was."""
    report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
    reason = _check_correction(report=report, by=by, reason=reason)
    visit_week = weeks.week_start(timezone.localdate(visit.visited_at))
    if visit.salesperson_id != report.salesperson_id or visit_week != report.week_start:
        raise DomainError(_("This visit is not one of the report's week."))
    changed = _changed_texts(visit, texts, CORRECTABLE_VISIT_FIELDS)
    if not changed:
        raise DomainError(_("Nothing was changed."))
    return change_visit(visit=visit, by=by, reason=reason, **changed)


# --- shared by the summary and the monthly report ---------------------------------------------


def _apply_texts(report, fields: list[str], texts: dict) -> list[str]:
    """Set the author's texts on the report; the names of the fields that changed."""
    changed = []
    for field in fields:
        if field not in texts:
            continue
        value = (texts.get(field) or "").strip()
        if getattr(report, field) != value:
            setattr(report, field, value)
            changed.append(field)
    return changed


def _refuse_second_submission(report, message: str) -> None:
    """rules.md §9.2: a report is submitted once; the second attempt changes nothing."""
    if report.is_submitted:
        submitted = date_format(timezone.localtime(report.submitted_at), "DATETIME_FORMAT")
        raise DomainError(message % {"when": submitted})


def _save_texts(report, created: bool, fields: list[str], texts: dict, *, by, action: str):
    """Save the author's draft texts; the audit entry keeps each changed text before and after."""
    before = {field: getattr(report, field) for field in fields}
    changed = _apply_texts(report, fields, texts)
    if created or changed:
        report.save()
        audit.record(
            f"{action}.created" if created else f"{action}.changed",
            actor=by,
            target=report,
            changes={
                "fields": changed,
                "before": {field: before[field] for field in changed},
                "after": {field: getattr(report, field) for field in changed},
            },
        )
    return report


def _submit(report, draft: dict, kind: str, period: date, *, by, action: str):
    now = timezone.now()
    report.snapshot = draft
    report.status = report.Status.SUBMITTED
    report.submitted_at = now
    report.is_late = deadlines.is_late(kind, period, now)
    report.save(update_fields=["snapshot", "status", "submitted_at", "is_late", "updated_at"])
    audit.record(
        f"{action}.submitted",
        actor=by,
        target=report,
        changes={"period": period, "late": report.is_late},
    )
    return report


def _comment(report, comment_model, *, by, body: str, action: str):
    if not report.is_submitted:
        raise DomainError(_("A report can be commented on once it is submitted."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a comment first."), field="body")
    comment = comment_model.objects.create(report=report, author=by, body=body)
    audit.record(
        f"{action}.commented",
        actor=by,
        target=report,
        changes={"comment": comment.pk, "body": body},
    )
    return comment


# --- the weekly team summary (rules.md §9.3, §9.9) --------------------------------------------

SUMMARY_FIELDS = ["team_review", "problems", "next_week_focus"]


def writes_summary_of(user: User, region: Region) -> bool:
    """The region's manager writes its summary (not the director, head office or the admin)."""
    return access.is_manager(user) and access.managed_regions(user).filter(pk=region.pk).exists()


@transaction.atomic
def save_region_summary(*, region: Region, week_start: date, by: User, **texts) -> RegionSummary:
    """Create or update the region's draft summary for the week with the manager's texts."""
    if not writes_summary_of(by, region):
        raise DomainError(_("Only the region's manager writes its weekly summary."))
    _check_week(week_start)
    summary, created = RegionSummary.objects.select_for_update().get_or_create(
        region=region, week_start=week_start, defaults={"author": by}
    )
    if summary.is_submitted:
        raise DomainError(_("This week's summary is submitted and can no longer be changed."))
    summary.author = by
    return _save_texts(
        summary, created, SUMMARY_FIELDS, texts, by=by, action="reports.region_summary"
    )


@transaction.atomic
def submit_region_summary(*, summary: RegionSummary, by: User) -> RegionSummary:
    """Submit the summary (rules.md §9.3): the team's figures as they stand now are kept with it
    (§9.8), and it is late from Sunday 00:00 local (§9.9). Submitted once, then read-only."""
    summary = RegionSummary.objects.select_for_update().select_related("region").get(pk=summary.pk)
    if not writes_summary_of(by, summary.region):
        raise DomainError(_("Only the region's manager submits its weekly summary."))
    _refuse_second_submission(summary, _("This week's summary was already submitted on %(when)s."))
    _check_week(summary.week_start)
    summary.author = by
    draft = summary_draft(summary.region, summary.week_start)
    return _submit(
        summary,
        draft,
        deadlines.SUMMARY,
        summary.week_start,
        by=by,
        action="reports.region_summary",
    )


def may_comment_on_summary(user: User, summary: RegionSummary) -> bool:
    """The region's director (and the admin) comment on the manager's summary."""
    return user.pk != summary.author_id and access.is_director_of(user, summary.region)


@transaction.atomic
def comment_on_summary(*, summary: RegionSummary, by: User, body: str) -> SummaryComment:
    summary = RegionSummary.objects.select_for_update().select_related("region").get(pk=summary.pk)
    if not may_comment_on_summary(by, summary):
        raise DomainError(_("Only the region's director comments on its weekly summary."))
    return _comment(summary, SummaryComment, by=by, body=body, action="reports.region_summary")


# --- the monthly work report (rules.md §9.4, §9.10) -------------------------------------------

MONTHLY_FIELDS = ["review", "next_month_plan", "support_needed"]


def _check_month(month: date) -> None:
    if month.day != 1:
        raise DomainError(_("A month is named by its first day."))
    if month > current_month():
        raise DomainError(_("A month's report can be written only once the month has begun."))


@transaction.atomic
def save_monthly_report(*, salesperson: User, month: date, by: User, **texts) -> MonthlyReport:
    """Create or update the seller's draft monthly work report with their own texts."""
    if by.pk != salesperson.pk or not salesperson.sells:
        raise DomainError(_("Only the salesperson writes their monthly work report."))
    _check_month(month)
    region = salesperson.regions.order_by("pk").first()
    if region is None:
        raise DomainError(_("You belong to no region, so there is nobody to report to."))
    report, created = MonthlyReport.objects.select_for_update().get_or_create(
        salesperson=salesperson, month=month, defaults={"region": region}
    )
    if report.is_submitted:
        raise DomainError(_("This month's report is submitted and can no longer be changed."))
    return _save_texts(
        report, created, MONTHLY_FIELDS, texts, by=by, action="reports.monthly_report"
    )


@transaction.atomic
def submit_monthly_report(*, report: MonthlyReport, by: User) -> MonthlyReport:
    """Submit the month's report: its results as they stand now are kept with it (§9.8), late
    from the next month's 1st 00:00 local (§9.10). Submitted once, then read-only."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if by.pk != report.salesperson_id:
        raise DomainError(_("Only the salesperson submits their monthly work report."))
    _refuse_second_submission(report, _("This month's report was already submitted on %(when)s."))
    _check_month(report.month)
    draft = month_draft(report.salesperson, report.month)
    return _submit(
        report, draft, deadlines.MONTHLY, report.month, by=by, action="reports.monthly_report"
    )


def may_comment_on_monthly(user: User, report: MonthlyReport) -> bool:
    """The region's manager comments on a salesperson's report; a manager's own report is the
    director's to comment on (as with the manager's own requests, rules.md §1.5)."""
    if user.pk == report.salesperson_id:
        return False
    if report.salesperson.role == Role.MANAGER:
        return access.is_director_of(user, report.region)
    return access.managed_regions(user).filter(pk=report.region_id).exists()


@transaction.atomic
def comment_on_monthly_report(
    *, report: MonthlyReport, by: User, body: str
) -> MonthlyReportComment:
    report = (
        MonthlyReport.objects.select_for_update().select_related("salesperson").get(pk=report.pk)
    )
    if not may_comment_on_monthly(by, report):
        raise DomainError(_("Only the manager above the author comments on a monthly report."))
    return _comment(report, MonthlyReportComment, by=by, body=body, action="reports.monthly_report")
