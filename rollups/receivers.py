"""Keeping the region rollup current when a month's records change (queued on commit).

Sale lines announce their months with `sales.signals.months_changed` (quotas and approved
claims send it too; their figures are read from the scores, so the refresh is merely
redundant for them). Visits and competitor notes are saved one at a time through their
services, so their own `post_save` names the person or territory and the month, and only that
slice is recomputed. A visit or a new customer also recomputes the blank areas
of the months it touches. Quotas, targets and travel costs are placed on territories from the
scores, so they follow `sales.signals.scores_changed` (sent when scoring wrote them), and a
person's visits and assignments, which decide where they go (rules.md §9.5).
Class changes are written in bulk by the classification and reach the
rollup with the nightly rebuild (and the rebuild of the closed month on the 1st).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from customers.models import CompetitorObservation, Customer
from rollups import tasks
from sales.models import Attainment
from sales.signals import months_changed, scores_changed
from salesops import queue
from salesops.months import current_month, month_of, month_start
from territories.models import Assignment
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


@receiver(post_save, sender=Customer)
def refresh_blank_areas_for_a_new_customer(sender, instance: Customer, created: bool, **kwargs):
    if created:  # a city with its first customer is no longer a blank area
        queue.on_commit(
            tasks.refresh_blank_cities,
            first_month=month_of(instance.created_at).isoformat(),
            last_month=current_month().isoformat(),
        )


@receiver([post_save, post_delete], sender=CompetitorObservation)
def refresh_sighting_month(sender, instance: CompetitorObservation, **kwargs) -> None:
    month = month_start(instance.observed_on)
    queue.on_commit(
        tasks.refresh_sightings, territory_id=instance.territory_id, month=month.isoformat()
    )


@receiver(scores_changed)
def place_changed_scores(sender, *, first_month, last_month, **kwargs) -> None:
    queue.on_commit(
        tasks.refresh_score_shares,
        first_month=first_month.isoformat(),
        last_month=last_month.isoformat(),
    )


@receiver([post_save, post_delete], sender=Visit)
def place_travel_cost_by_visits(sender, instance: Visit, **kwargs) -> None:
    month = month_of(instance.visited_at)
    if not _scored(instance.salesperson_id, month=month):
        return
    month = month.isoformat()
    queue.on_commit(
        tasks.refresh_score_shares,
        first_month=month,
        last_month=month,
        salesperson_id=instance.salesperson_id,
    )


@receiver([post_save, post_delete], sender=Assignment)
def place_scores_on_held_territories(sender, instance: Assignment, **kwargs) -> None:
    if not _scored(instance.salesperson_id):
        return
    # Every month of the person: one without a territory is placed by the nearest assignment.
    queue.on_commit(
        tasks.refresh_score_shares,
        first_month="",
        last_month=current_month().isoformat(),
        salesperson_id=instance.salesperson_id,
    )


def _scored(salesperson_id: int, **month) -> bool:
    """Whether the person has scores (of the month) to place: until scoring writes some, there
    is nothing to move, and scoring places them itself (`scores_changed`)."""
    return Attainment.objects.filter(salesperson_id=salesperson_id, **month).exists()
