"""What the sales app does when it is told that something changed."""

from django.dispatch import receiver

from sales import tasks
from sales.signals import months_changed
from salesops import queue


@receiver(months_changed)
def score_the_changed_months(sender, *, first_month, last_month, **kwargs) -> None:
    queue.on_commit(
        tasks.score_months, first_month=first_month.isoformat(), last_month=last_month.isoformat()
    )
