"""Keeping the region rollup current when a month's records change (queued on commit).

Sale lines announce their months with `sales.signals.months_changed`, and an import names the
customers whose lines changed (quotas and approved claims send it too; their figures are read
from the scores, so the refresh is merely redundant for them). Visits and competitor notes are
saved one at a time through their services, so their own `post_save` names the person or
territory and the month, and only that slice is recomputed. A visit or a new customer also
recomputes the blank areas of the months it touches. Class changes are written in bulk by the
classification, which names the customers (`customers.signals.classes_changed`): the class
counts are recounted from that month on.

A record that moves (a visit to another month or person, a customer to another territory or
owner, by a handover too) leaves one slice for another: both are refreshed. The values before
the change are read in `pre_save`, only when the save may change the fields that place the
record.

Quotas, targets and travel costs are placed on territories from the scores, so they follow
`sales.signals.scores_changed` (sent when scoring wrote them), and a person's visits and
assignments, which decide where they go (rules.md §9.5).
"""

from datetime import date

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from customers.models import CompetitorObservation, Customer
from customers.signals import classes_changed, customers_handed_over
from rollups import building, tasks
from sales.models import Attainment
from sales.signals import months_changed, scores_changed
from salesops import queue
from salesops.months import current_month, month_of, month_start
from salesops.stored import stored_values
from territories.models import Assignment
from visits.models import Visit

# An import names the customers whose lines changed, and only their cells are recounted. Past
# this many, recounting the months whole costs about the same, and the job's arguments stay
# small (they travel with it and are kept in the job ledger).
CUSTOMERS_NAMED_AT_MOST = 20_000


@receiver(months_changed)
def refresh_changed_months(sender, *, first_month, last_month, customers=None, **kwargs) -> None:
    named = {}
    if customers is not None and len(customers) <= CUSTOMERS_NAMED_AT_MOST:
        named = {"customer_ids": sorted(customers)}
    queue.on_commit(
        tasks.refresh_sales,
        first_month=first_month.isoformat(),
        last_month=last_month.isoformat(),
        **named,
    )


VISIT_PLACE = ("salesperson_id", "visited_at")
CUSTOMER_PLACE = ("owner_id", "territory_id")


@receiver(pre_save, sender=Visit)
def remember_where_the_visit_was(sender, instance: Visit, update_fields=None, **kwargs) -> None:
    instance._rollup_before = stored_values(instance, VISIT_PLACE, update_fields)


@receiver([post_save, post_delete], sender=Visit)
def refresh_visit_month(sender, instance: Visit, **kwargs) -> None:
    """The visit cells and customer visit cells of the visit's month, and of the month it left,
    and their blank areas: one job per month each, joined in the ledger by everyone's visits
    (a visit moved to another person or customer is recounted with its month)."""
    for month in sorted({month for _person, month in _visit_slices(instance)}):
        queue.on_commit(tasks.refresh_visits, month=month.isoformat())
        queue.on_commit(tasks.refresh_blank_cities_after_visits, month=month.isoformat())


def _visit_slices(visit: Visit) -> list[tuple[int, date]]:
    """(salesperson, month) of the visit now and, when it moved, before."""
    slices = {(visit.salesperson_id, month_of(visit.visited_at))}
    before = getattr(visit, "_rollup_before", None)
    if before is not None:
        slices.add((before["salesperson_id"], month_of(before["visited_at"])))
    return sorted(slices)


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


@receiver(classes_changed)
def refresh_class_counts(sender, *, changed_at, **kwargs) -> None:
    """The class counts from the month of the change on: one recount per month however many
    customers changed (a visit's one or a nightly batch's thousands), joined in the ledger
    while it waits."""
    queue.on_commit(
        tasks.refresh_classes,
        first_month=month_of(changed_at).isoformat(),
        last_month=_this_month(),
    )


@receiver(pre_save, sender=Customer)
def remember_where_the_customer_was(sender, instance: Customer, update_fields=None, **kwargs):
    instance._rollup_before = stored_values(instance, CUSTOMER_PLACE, update_fields)


@receiver(post_save, sender=Customer)
def refresh_a_moved_customer(sender, instance: Customer, created: bool, **kwargs) -> None:
    """A customer moved to another territory or owner: its class counts leave the old cells
    for the new ones in every month it held a class, and a city it left or joined may turn
    blank or stop being blank in every month it was on the map."""
    before = getattr(instance, "_rollup_before", None)
    if created or before is None:
        return
    if (before["owner_id"], before["territory_id"]) == (instance.owner_id, instance.territory_id):
        return
    territory_ids = {before["territory_id"], instance.territory_id}
    _refresh_customer_places(instance.pk, territory_ids, map_changed=len(territory_ids) > 1)


@receiver(pre_delete, sender=Customer)
def refresh_a_deleted_customer(sender, instance: Customer, **kwargs) -> None:
    # pre_delete: its class changes go with it, so the months are read while they are there.
    _refresh_customer_places(instance.pk, {instance.territory_id}, map_changed=True)


def _refresh_customer_places(customer_id: int, territory_ids: set[int], *, map_changed: bool):
    first_class, first_seen = building.customer_first_months(customer_id)
    if first_class is not None:
        queue.on_commit(
            tasks.refresh_classes,
            first_month=first_class.isoformat(),
            last_month=_this_month(),
            territory_ids=sorted(territory_ids),
        )
    if map_changed and first_seen is not None:
        first = max(first_seen, building.first_month_on_record())
        queue.on_commit(
            tasks.refresh_blank_cities, first_month=first.isoformat(), last_month=_this_month()
        )


@receiver(customers_handed_over)
def refresh_handed_over_classes(sender, *, from_person, to_person, **kwargs) -> None:
    """rules.md §3.7: the leaver's customers are the successor's now, in every month's counts
    (the class counts follow the customer's current owner, as the nightly rebuild does)."""
    queue.on_commit(
        tasks.refresh_classes,
        first_month=building.first_month_on_record().isoformat(),
        last_month=_this_month(),
        owner_ids=sorted([from_person.pk, to_person.pk]),
    )


def _this_month() -> str:
    return current_month().isoformat()


@receiver(scores_changed)
def place_changed_scores(sender, *, first_month, last_month, **kwargs) -> None:
    queue.on_commit(
        tasks.refresh_score_shares,
        first_month=first_month.isoformat(),
        last_month=last_month.isoformat(),
    )


@receiver([post_save, post_delete], sender=Visit)
def place_travel_cost_by_visits(sender, instance: Visit, **kwargs) -> None:
    """On-site visits decide where travel cost goes: the month the visit is in and, when it
    moved, the month (or person) it left."""
    for salesperson_id, month in _visit_slices(instance):
        if _scored(salesperson_id, month=month):
            queue.on_commit(
                tasks.refresh_score_shares,
                first_month=month.isoformat(),
                last_month=month.isoformat(),
                salesperson_id=salesperson_id,
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
