"""Reports (rules.md §9): weekly trip reports, the manager's weekly team summaries and monthly
work reports, each with its comments; compliance (§9.6) is read from their submission times."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WeeklyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="weekly_reports",
    )
    # rules.md §1.6: a record is scoped by the region it was made in.
    region = models.ForeignKey(
        "territories.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    week_start = models.DateField(_("week starting"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Set once at submission from the deadline (rules.md §9.7), never recomputed.
    is_late = models.BooleanField(_("late"), default=False)
    # What was reported: the draft's visits and sales as they stood at submission (§9.8).
    snapshot = models.JSONField(_("reported week"), default=dict, blank=True)
    next_week_plan = models.TextField(_("next week's plan"), blank=True)
    forecast = models.TextField(_("forecast"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_start", "salesperson_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "week_start"], name="one_weekly_report_per_person_week"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"]), name="weekly_report_status_known"
            ),
            models.CheckConstraint(
                condition=(Q(status="draft", submitted_at__isnull=True, is_late=False))
                | Q(status="submitted", submitted_at__isnull=False),
                name="weekly_report_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["week_start", "region"])]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.week_start:%Y-%m-%d}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ReportComment(models.Model):
    report = models.ForeignKey(
        WeeklyReport,
        verbose_name=_("weekly report"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="report_comment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.report}"


class _SubmittedReport(models.Model):
    """What every report shares: drafted, submitted once, late or not, and what was reported
    as it stood at submission (rules.md §9.6, §9.8)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    region = models.ForeignKey(
        "territories.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Set once at submission from the deadline, never recomputed.
    is_late = models.BooleanField(_("late"), default=False)
    snapshot = models.JSONField(_("reported figures"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


def _status_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(status__in=["draft", "submitted"]), name=f"{prefix}_status_known"
        ),
        models.CheckConstraint(
            condition=(Q(status="draft", submitted_at__isnull=True, is_late=False))
            | Q(status="submitted", submitted_at__isnull=False),
            name=f"{prefix}_submitted_has_time",
        ),
    ]


class RegionSummary(_SubmittedReport):
    """The regional manager's weekly team summary (rules.md §9.3, §9.9): one per region and
    week, due before Sunday."""

    week_start = models.DateField(_("week starting"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("regional manager"),
        on_delete=models.PROTECT,
        related_name="region_summaries",
    )
    team_review = models.TextField(_("the team's week"), blank=True)
    problems = models.TextField(_("problems and measures"), blank=True)
    next_week_focus = models.TextField(_("next week's focus"), blank=True)

    class Meta:
        verbose_name = _("weekly team summary")
        verbose_name_plural = _("weekly team summaries")
        ordering = ["-week_start", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "week_start"], name="one_summary_per_region_week"
            ),
            *_status_constraints("region_summary"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.week_start:%Y-%m-%d}"


class MonthlyReport(_SubmittedReport):
    """A seller's monthly work report (rules.md §9.4, §9.10): the month's results and next
    month's trips, due on the month's last day."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="monthly_reports",
    )
    month = models.DateField(_("month"))  # its first day
    review = models.TextField(_("review of the month"), blank=True)
    next_month_plan = models.TextField(_("next month's plan"), blank=True)
    support_needed = models.TextField(_("difficulties and support needed"), blank=True)

    class Meta:
        verbose_name = _("monthly work report")
        verbose_name_plural = _("monthly work reports")
        ordering = ["-month", "salesperson_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "month"], name="one_monthly_report_per_person_month"
            ),
            *_status_constraints("monthly_report"),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.month:%Y-%m}"


class _Comment(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author} · {self.report}"


class SummaryComment(_Comment):
    """The director's comment on a region's weekly summary."""

    report = models.ForeignKey(
        RegionSummary,
        verbose_name=_("weekly team summary"),
        on_delete=models.PROTECT,
        related_name="comments",
    )

    class Meta(_Comment.Meta):
        verbose_name = _("comment on a summary")
        verbose_name_plural = _("comments on summaries")
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="summary_comment_not_empty"),
        ]


class MonthlyReportComment(_Comment):
    """The manager's (or for a manager's report, the director's) comment."""

    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("monthly work report"),
        on_delete=models.PROTECT,
        related_name="comments",
    )

    class Meta(_Comment.Meta):
        verbose_name = _("comment on a monthly report")
        verbose_name_plural = _("comments on monthly reports")
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="monthly_comment_not_empty"),
        ]
