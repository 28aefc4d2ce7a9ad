"""Dealers' credit (rules.md §3.8)."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import (
    Channel,
    CreditIncident,
    CreditTier,
    Customer,
)
from customers.services.book import _require_changeable
from salesops import audit
from salesops.models import User


@dataclass
class CreditDecision:
    eligible: bool
    reasons: list[str] = field(default_factory=list)


def evaluate_credit(*, customer: Customer, today: date | None = None) -> CreditDecision:
    """Only tier A dealers get credit, and only with a signed agreement on file, each of the
    last three full months' orders at least the agreed amount, and no bad debt or dispute in
    those three months."""
    from customers.classification import last_three_full_months, monthly_sales_totals

    today = today or timezone.localdate()
    reasons = []
    if customer.channel != Channel.DEALER or customer.credit_tier != CreditTier.A:
        reasons.append(_("Only tier A dealers get credit."))
    if customer.agreement_signed_on is None:
        reasons.append(_("No signed agreement on file."))
    start, end = last_three_full_months(today)
    totals = monthly_sales_totals(customer_id=customer.pk, start=start, end=end)
    agreed = customer.agreed_monthly_order
    if agreed is None:
        reasons.append(_("No agreed monthly order amount."))
    elif len(totals) < 3 or any(total < agreed for total in totals.values()):
        reasons.append(_("Not every one of the last three months' orders met the agreed amount."))
    if customer.credit_incidents.filter(occurred_on__gte=start, occurred_on__lt=end).exists():
        reasons.append(_("A bad debt or dispute in the last three months."))
    return CreditDecision(eligible=not reasons, reasons=reasons)


@transaction.atomic
def record_credit_incident(
    *, customer: Customer, kind: str, occurred_on: date, by: User, note: str = ""
) -> CreditIncident:
    _require_changeable(by, customer.territory)
    incident = CreditIncident.objects.create(
        customer=customer, kind=kind, occurred_on=occurred_on, note=note
    )
    audit.record(
        "customers.credit_incident.recorded",
        actor=by,
        target=customer,
        changes={"kind": kind, "occurred_on": occurred_on},
    )
    return incident
