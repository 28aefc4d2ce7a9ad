from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    TERMINAL_LARGE = "terminal_large", _("Terminal customer (large)")
    TERMINAL_MEDIUM = "terminal_medium", _("Terminal customer (medium)")
    TERMINAL_SMALL = "terminal_small", _("Terminal customer (small)")
    DEALER = "dealer", _("Dealer")
    DIRECT_STORE = "direct_store", _("Direct store")


class Source(models.TextChoices):
    PHONE_LIST = "phone_list", _("Phone list")
    INTERNET = "internet", _("Internet")
    REFERRAL = "referral", _("Referral")
    WALK_IN = "walk_in", _("Walk-in")
    ADVERTISING = "advertising", _("Advertising")
    OTHER = "other", _("Other")


@pghistory.track()
class Customer(models.Model):
    """A prospect (准客户) or, from its first sale on, a customer (成交客户). SPEC §3."""

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        CUSTOMER = "customer", _("Customer")

    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROSPECT
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    estimated_monthly_demand = models.DecimalField(
        _("estimated monthly demand (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    expected_order_date = models.DateField(_("expected order date"), null=True, blank=True)
    current_supplier = models.CharField(_("current supplier or brand"), max_length=200, blank=True)
    current_price = models.CharField(_("price they pay"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    last_contacted_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [models.Index(fields=["territory", "name"]), models.Index(fields=["owner"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_monthly_demand__isnull=True)
                | Q(estimated_monthly_demand__gte=0),
                name="customer_demand_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


from customers.sales import Sale, SalesImport  # noqa: E402,F401
