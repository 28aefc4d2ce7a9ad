"""Sales records from the order system (rules.md §7.1) and the imports that brought them."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from customers.models import Channel
from salesops.jobs import Job
from salesops.money import MoneyField


class SalesImport(Job):
    """One uploaded file: who, when, and what it changed (a re-import changes nothing). A job
    the user waits on: `done` of `total` lines checked, then all written at once. The file is
    kept until the import ends, so a job that restarts reads it again."""

    file_name = models.CharField(_("file"), max_length=200)
    checksum = models.CharField(_("checksum"), max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.PositiveIntegerField(_("new lines"), default=0)
    updated = models.PositiveIntegerField(_("corrected lines"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged lines"), default=0)
    content = models.BinaryField(editable=False, default=bytes)
    errors = models.JSONField(_("errors"), default=list)  # [{"line": 3, "message": "..."}]
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        db_table = "customers_salesimport"
        verbose_name = _("sales import")
        verbose_name_plural = _("sales imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


# Row history: imports upsert sale lines in bulk, so a corrected line keeps its previous
# values only through the database's triggers (architecture.md "The audit trail").
@pghistory.track(exclude=["updated_at"])
class Sale(models.Model):
    """One order line. Its natural key (order number, line) makes every import idempotent."""

    order_number = models.CharField(_("order number"), max_length=40)
    line = models.PositiveIntegerField(_("line"), default=1)
    sold_at = models.DateTimeField(_("sold at"))
    # rules.md §7.2, §0.2: months are counted in the company's time zone; the local month is
    # stored so month filters and rollups never apply a function to the date column.
    month = models.DateField(_("month"), db_index=True)
    # Indexed below, led by it: the customer's lines by month with their amounts.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="sales",
        db_index=False,
    )
    # Indexed below, led by it: the salesperson's lines newest first.
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="sales",
        db_index=False,
    )
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    amount = MoneyField(_("amount"), signed=True)
    gross_profit = MoneyField(_("gross profit"), signed=True)
    sales_import = models.ForeignKey(
        SalesImport,
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sales",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "customers_sale"
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-sold_at", "-id"]
        indexes = [
            models.Index(fields=["salesperson", "month"]),
            # The sale that took each met target over (sales.standings) is found from the
            # index alone: the month's lines of a person in the order they were sold, with
            # their amounts (tier L: 304 → 109 ms for the month-wide statement).
            models.Index(
                fields=["month", "salesperson", "sold_at", "id"],
                include=["amount"],
                name="sale_month_seller_crossing",
            ),
            models.Index(fields=["sold_at"]),
            # A customer's recent months (the classification's three-month average) read
            # only those months' lines, not the customer's whole history, and their amounts
            # from the index alone: a day's 4,000 customers at tier M, 194 → 66 ms.
            models.Index(
                fields=["customer", "month"],
                include=["amount"],
                name="sale_customer_months",
            ),
            # A salesperson's sales list, newest first, reads its page and stops, where the
            # time index alone walked every line sold since (tier L: 138,000 for 52).
            models.Index(fields=["salesperson", "sold_at", "id"], name="sale_salesperson_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order_number", "line"], name="sale_natural_key"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="sale_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(gross_profit__lte=F("amount")), name="sale_profit_within_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_number}/{self.line}"
