"""Sales and quotas for the scoring tests (rules.md §7.3)."""

from datetime import date, datetime
from decimal import Decimal
from itertools import count

from django.utils import timezone

from customers.models import Channel, Customer
from sales.models import Quota, QuotaChannel, Sale
from sales.sales_rollup import refresh_sales_rollup
from sales.services.scoring import score_months
from salesops.months import current_month, month_of
from tests.customers.factories import CustomerFactory

_order_numbers = count(1)


def local(year, month, day, hour=10, minute=0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))  # noqa: DTZ001


def make_sale(salesperson, amount, sold_at, *, customer=None, gross_profit=None) -> Sale:
    customer = customer or CustomerFactory(
        territory=salesperson.assignments.first().territory,
        owner=salesperson,
        status=Customer.Status.CUSTOMER,
    )
    amount = Decimal(amount)
    sale = Sale.objects.create(
        order_number=f"SO{next(_order_numbers):06d}",
        line=1,
        sold_at=sold_at,
        month=month_of(sold_at),
        customer=customer,
        salesperson=salesperson,
        territory=customer.territory,
        channel=customer.channel or Channel.TERMINAL_MEDIUM,
        amount=amount,
        gross_profit=Decimal(gross_profit) if gross_profit is not None else amount / 4,
    )
    refresh_sales_rollup({(salesperson.pk, sale.month)})
    return sale


def set_quota(salesperson, month: date, amount, channel=QuotaChannel.TERMINAL) -> Quota:
    quota, _ = Quota.objects.update_or_create(
        salesperson=salesperson, month=month, channel=channel, defaults={"amount": Decimal(amount)}
    )
    return quota


def scored_this_month(sales: dict) -> None:
    """Each salesperson's sale of this month (an amount), against a quota of 375,000, scored."""
    month = current_month()
    for person, amount in sales.items():
        set_quota(person, month, "375000")
        make_sale(person, amount, local(month.year, month.month, 1, 9))
    score_months(first_month=month, last_month=month)
