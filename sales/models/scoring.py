"""Results of the scoring jobs (rules.md §7.5–§7.11): one row per salesperson and month,
written by upsert."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesops.jobs import Job
from salesops.money import MoneyField

# Ratios hold whatever the money columns can produce: up to 999,999,999,999.99 over a quota or
# a gross profit of 0.01 (a tiny quota must not stop scoring for everyone).
PERCENT_MAX_DIGITS = 18
EFFICIENCY_MAX_DIGITS = 19


def _percent(verbose_name) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=PERCENT_MAX_DIGITS, decimal_places=1, null=True
    )


class Attainment(models.Model):
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="attainments",
    )
    month = models.DateField(_("month"))
    region = models.ForeignKey(
        "territories.Region",
        verbose_name=_("region"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    quota = MoneyField(signed=True, verbose_name=_("quota"))
    carried_over = MoneyField(signed=True, verbose_name=_("carried over"))
    target = MoneyField(signed=True, verbose_name=_("target"))
    sales = MoneyField(signed=True, verbose_name=_("sales"))
    gross_profit = MoneyField(signed=True, verbose_name=_("gross profit"))
    attainment = _percent(_("attainment %"))
    cumulative_quota = MoneyField(signed=True, verbose_name=_("cumulative quota"))
    cumulative_sales = MoneyField(signed=True, verbose_name=_("cumulative sales"))
    cumulative_attainment = _percent(_("cumulative attainment %"))
    region_rank = models.PositiveIntegerField(_("rank in region"), null=True)
    company_rank = models.PositiveIntegerField(_("rank in company"), null=True)
    target_met_at = models.DateTimeField(_("target met at"), null=True)
    # rules.md §7.7: the sale whose running total reached the target; of two crossings at the
    # same moment, the earlier-numbered sale wins the first-to-target flag.
    crossing_sale = models.ForeignKey(
        "sales.Sale",
        verbose_name=_("sale that met the target"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bonus_flag = models.BooleanField(_("first-to-target bonus"), default=False)
    probation_flag = models.BooleanField(_("extend probation"), default=False)
    dismissal_flag = models.BooleanField(_("dismissal review"), default=False)
    # rules.md §7.5: this month is one of head office's restart months (no carry-over came in).
    carry_restarted = models.BooleanField(_("carry-over restarted"), default=False)
    # rules.md §7.8, §7.9: the months and figures each flag came from.
    flag_basis = models.JSONField(_("basis of the flags"), default=dict, blank=True)
    travel_cost = MoneyField(signed=True, verbose_name=_("travel cost"))
    travel_efficiency = models.DecimalField(
        _("travel cost ÷ gross profit"),
        max_digits=EFFICIENCY_MAX_DIGITS,
        decimal_places=4,
        null=True,
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        db_table = "reports_attainment"
        verbose_name = _("attainment")
        verbose_name_plural = _("attainments")
        ordering = ["month", "region_rank", "salesperson_id"]
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "month"], name="one_score_per_month")
        ]
        indexes = [models.Index(fields=["month", "region"])]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.month:%Y-%m}"


class ScoringRun(Job):
    """An on-demand run the page polls for progress (start task → poll → message): `done` of
    `total` half-years scored."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_month = models.DateField(_("from month"))
    last_month = models.DateField(_("to month"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "reports_scoringrun"
        verbose_name = _("scoring run")
        verbose_name_plural = _("scoring runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.first_month:%Y-%m}–{self.last_month:%Y-%m} {self.status}"


class SalesRollup(models.Model):
    """Sales per month × salesperson × territory × channel (docs/architecture.md "Background work").

    Updated when sales are written and rebuilt nightly; the rebuild must equal the incremental
    state. Scoring reads these rows, never the raw sales, for its totals.
    """

    month = models.DateField(_("month"))
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=20)
    amount = MoneyField(signed=True, verbose_name=_("sales"))
    gross_profit = MoneyField(signed=True, verbose_name=_("gross profit"))
    lines = models.PositiveIntegerField(_("order lines"))

    class Meta:
        db_table = "reports_salesrollup"
        verbose_name = _("sales rollup")
        verbose_name_plural = _("sales rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "salesperson", "territory", "channel"], name="one_rollup_cell"
            )
        ]
        indexes = [models.Index(fields=["salesperson", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.salesperson_id} {self.territory_id} {self.channel}"
