"""What the sales app does when it is told that something changed."""

import hashlib

from django.dispatch import receiver

from sales import tasks
from sales.signals import months_changed
from salesops import ledger


@receiver(months_changed)
def score_the_changed_months(
    sender, *, first_month, last_month, salespeople=None, **kwargs
) -> None:
    first, last = first_month.isoformat(), last_month.isoformat()
    if salespeople is None:
        ledger.enqueue(
            "sales.score_months",
            f"{first}..{last}",
            tasks.score_months,
            first_month=first,
            last_month=last,
        )
        return
    # A joined job takes the newer arguments, so each set of people is a job of its own.
    people = sorted(salespeople)
    ledger.enqueue(
        "sales.score_months",
        f"{first}..{last} {_people_key(people)}",
        tasks.score_months,
        first_month=first,
        last_month=last,
        salespeople=people,
    )


def _people_key(people: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, people)).encode()).hexdigest()[:32]
