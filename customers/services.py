"""Every change to prospects and customers (the only writers)."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from customers.models import Customer
from salesops import audit
from salesops.models import User


@transaction.atomic
def record_contact(
    *,
    customer: Customer,
    contacted_at: datetime,
    by: User,
    demand: Decimal | None = None,
    expected_order_date: date | None = None,
) -> Customer:
    """A visit or call reached the customer (SPEC §4: a phone call counts as contact).

    Keeps the latest contact time and, when the visit brought them, the new demand estimate
    and expected order date.
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    changed = {}
    if customer.last_contacted_at is None or contacted_at > customer.last_contacted_at:
        changed["last_contacted_at"] = contacted_at
    if demand is not None:
        changed["estimated_monthly_demand"] = demand
    if expected_order_date is not None:
        changed["expected_order_date"] = expected_order_date
    for field, value in changed.items():
        setattr(customer, field, value)
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
        audit.record("customers.customer.contacted", actor=by, target=customer, changes=changed)
    return customer
