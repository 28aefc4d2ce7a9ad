"""What the expenses app answers when other apps ask it something."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.dispatch import receiver

from expenses.models import ExpenseClaim, ExpenseItem
from sales.signals import travel_costs_wanted


@receiver(travel_costs_wanted)
def approved_travel_costs(
    sender, *, first_month: date, last_month: date, **kwargs
) -> dict[tuple[int, date], Decimal]:
    """Approved claims' items per salesperson and claim month, in one grouped query."""
    rows = (
        ExpenseItem.objects.filter(
            claim__status=ExpenseClaim.Status.APPROVED,
            claim__month__gte=first_month,
            claim__month__lte=last_month,
        )
        .values("claim__salesperson_id", "claim__month")
        .annotate(total=Sum("amount"))
    )
    return {(row["claim__salesperson_id"], row["claim__month"]): row["total"] for row in rows}
