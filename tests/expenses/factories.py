from datetime import date
from decimal import Decimal
from itertools import count

from expenses.models import ExpenseClaim, ExpenseItem

_invoices = count(1)


def approved_claim(salesperson, month: date, *, amounts, status=ExpenseClaim.Status.APPROVED):
    claim = ExpenseClaim.objects.create(
        salesperson=salesperson,
        region=salesperson.regions.first(),
        month=month,
        status=status,
    )
    for amount in amounts:
        ExpenseItem.objects.create(
            claim=claim,
            spent_on=month.replace(day=10),
            category="transport",
            amount=Decimal(amount),
            invoice_number=f"INV{next(_invoices):08d}",
        )
    return claim
