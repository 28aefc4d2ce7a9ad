"""Weekly reports (rules.md §9.1, §9.2, §9.7, §9.8): the only writers."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports import weeks
from reports.drafts import week_draft
from reports.models import ReportComment, WeeklyReport
from salesops import access, audit
from salesops.errors import DomainError
from salesops.models import User
from visits.services import lock_week

TEXT_FIELDS = ["next_week_plan", "forecast", "difficulties"]


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
    changed = {
        field: (texts.get(field) or "").strip()
        for field in TEXT_FIELDS
        if field in texts and getattr(report, field) != (texts.get(field) or "").strip()
    }
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
