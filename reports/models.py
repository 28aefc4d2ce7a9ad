"""Weekly trip reports (rules.md §9.1, §9.2, §9.6, §9.7): one per salesperson per week, and the
manager's comments on them."""

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
