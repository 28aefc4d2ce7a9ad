"""First-to-target bonuses (rules.md §7.7): created by the scoring job, decided by the region's
sales director."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from salesops.models import SECOND_LEVEL


class Bonus(FSMModelMixin, models.Model):
    """One bonus per salesperson and month, waiting for the director's approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the director")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="bonuses",
    )
    month = models.DateField(_("month"))
    region = models.ForeignKey(
        "territories.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    # Moves only through the transitions below; sales.services.bonuses logs each move.
    status = FSMField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, protected=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("first-to-target bonus")
        verbose_name_plural = _("first-to-target bonuses")
        ordering = ["-month", "region_id", "salesperson_id"]
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "month"], name="one_bonus_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.month:%Y-%m} {self.amount}"

    # The shared approval workflow (salesops.approvals): a bonus waits at the second level, for
    # the region's sales director (rules.md §7.7).
    @property
    def approval_level(self) -> int | None:
        return SECOND_LEVEL if self.status == self.Status.PENDING else None

    @property
    def requester(self):
        return self.salesperson

    @property
    def approval_region(self):
        return self.region

    @transition(status, source=Status.PENDING, target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(status, source=Status.PENDING, target=Status.REJECTED)
    def reject(self) -> None:
        pass


class BonusTransition(models.Model):
    """One move of a bonus through its states: who, when, from what to what, and why."""

    bonus = models.ForeignKey(
        Bonus, verbose_name=_("bonus"), on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(_("from"), max_length=10, choices=Bonus.Status.choices)
    target = models.CharField(_("to"), max_length=10, choices=Bonus.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("bonus transition")
        verbose_name_plural = _("bonus transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.bonus_id}: {self.source} → {self.target}"
