"""What the scorecard's attitude measure needs that no other app records (rules.md §10.4): the
manager's monthly rating of each of their people and the customer complaints against them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

RATING_MIN, RATING_MAX = 1, 5


class ManagerRating(models.Model):
    """One rating per salesperson and month, 1 (poor) to 5 (excellent); a second rating of the
    same month replaces the first, and the audit trail keeps both."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="ratings_received",
    )
    month = models.DateField(_("month"))
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="ratings_given",
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("manager's rating")
        verbose_name_plural = _("manager's ratings")
        ordering = ["-month", "salesperson_id"]
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "month"], name="one_rating_per_month"),
            models.CheckConstraint(
                condition=Q(score__gte=RATING_MIN) & Q(score__lte=RATING_MAX),
                name="rating_within_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.month:%Y-%m}: {self.score}"


class Complaint(models.Model):
    """A customer's complaint about a salesperson, received on a day."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    region = models.ForeignKey(
        "territories.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField(_("received on"))
    summary = models.CharField(_("what the customer said"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer complaint")
        verbose_name_plural = _("customer complaints")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["salesperson", "received_on"])]

    def __str__(self) -> str:
        return f"{self.customer} → {self.salesperson} {self.received_on}"
