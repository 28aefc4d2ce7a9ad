"""Monthly quotas (rules.md §7.3): per salesperson × month × channel, dealers' monthly targets and
region totals. A month is stored as its first day in the company's time zone."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesops.money import MoneyField


class QuotaChannel(models.TextChoices):
    """The channels a quota is split by (rules.md §7.3: stores + terminal customers + dealers)."""

    DIRECT_STORE = "direct_store", _("Direct store")
    TERMINAL = "terminal", _("Terminal customers")
    DEALER = "dealer", _("Dealers")


def _amount() -> MoneyField:
    return MoneyField(_("amount"))


# Row history (architecture.md "The audit trail"): the quota grid writes with bulk upserts,
# which database triggers record where model signals would not.
@pghistory.track(exclude=["updated_at"])
class Quota(models.Model):
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="quotas",
    )
    month = models.DateField(_("month"))
    channel = models.CharField(_("channel"), max_length=20, choices=QuotaChannel.choices)
    amount = _amount()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "territories_quota"
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["month", "salesperson_id", "channel"]
        # A month's quotas of everyone (the rollup's channel table reads three months): found
        # by month, not by reading every person's months (tier L: 108,000 quotas).
        indexes = [
            models.Index(
                fields=["month", "salesperson"], include=["channel", "amount"], name="quota_month"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "month", "channel"], name="one_quota_per_person_month"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="quota_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.month:%Y-%m} {self.get_channel_display()}"


@pghistory.track()
class DealerTarget(models.Model):
    """A dealer's agreed monthly order amount (rules.md §7.4: 4 dealers at 80,000 a month)."""

    dealer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="monthly_targets",
    )
    month = models.DateField(_("month"))
    amount = _amount()

    class Meta:
        db_table = "territories_dealertarget"
        verbose_name = _("dealer target")
        verbose_name_plural = _("dealer targets")
        ordering = ["month", "dealer_id"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "month"], name="one_target_per_dealer_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dealer_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.dealer} {self.month:%Y-%m}"


@pghistory.track()
class RegionQuota(models.Model):
    """A region's monthly total, checked against the sum of its salespeople's quotas."""

    region = models.ForeignKey(
        "territories.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="monthly_quotas",
    )
    month = models.DateField(_("month"))
    amount = _amount()

    class Meta:
        db_table = "territories_regionquota"
        verbose_name = _("region quota")
        verbose_name_plural = _("region quotas")
        ordering = ["month", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="one_total_per_region_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="region_quota_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y-%m}"
