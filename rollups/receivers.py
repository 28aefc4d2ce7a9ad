"""Keeping the region rollup current when a month's records change (queued on commit).

Sale lines announce their months with `sales.signals.months_changed` (quotas and approved
claims send it too; their figures are read from the scores, so the refresh is merely
redundant for them). Visits and competitor notes are saved one at a time through their
services, so their own `post_save` names the person or territory and the month, and only that
slice is recomputed. Class changes and new customers are written in bulk by the nightly
classification and reach the rollup with the nightly rebuild, as do blank areas, whose window
moves with the calendar.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from customers.models import CompetitorObservation
from rollups import tasks
from sales.signals import months_changed
from salesops import queue
from salesops.months import month_of, month_start
from visits.models import Visit


@receiver(months_changed)
def refresh_changed_months(sender, *, first_month, last_month, **kwargs) -> None:
    queue.on_commit(
        tasks.refresh_sales, first_month=first_month.isoformat(), last_month=last_month.isoformat()
    )


@receiver([post_save, post_delete], sender=Visit)
def refresh_visit_month(sender, instance: Visit, **kwargs) -> None:
    month = month_of(instance.visited_at)
    queue.on_commit(
        tasks.refresh_visits, salesperson_id=instance.salesperson_id, month=month.isoformat()
    )


@receiver([post_save, post_delete], sender=CompetitorObservation)
def refresh_sighting_month(sender, instance: CompetitorObservation, **kwargs) -> None:
    month = month_start(instance.observed_on)
    queue.on_commit(
        tasks.refresh_sightings, territory_id=instance.territory_id, month=month.isoformat()
    )
