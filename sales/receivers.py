"""What the sales app does when it is told that something changed."""

from django.dispatch import receiver

from sales import tasks
from sales.signals import months_changed
from salesops import ledger


@receiver(months_changed)
def score_the_changed_months(sender, *, first_month, last_month, **kwargs) -> None:
    first, last = first_month.isoformat(), last_month.isoformat()
    ledger.enqueue(
        "sales.score_months",
        f"{first}..{last}",
        tasks.score_months,
        first_month=first,
        last_month=last,
    )
