"""Reassignment and handover (rules.md §3.6: customers are company property)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import signals
from customers.models import (
    Customer,
    Handover,
)
from salesops import access, audit
from salesops.errors import DomainError
from salesops.models import User
from territories import services as territory_services
from territories.models import Region


def _require_successor(region: Region, person: User) -> None:
    if not (person.is_active and person.sells and person.regions.filter(pk=region.pk).exists()):
        raise DomainError(
            _("%(person)s does not sell in %(region)s.") % {"person": person, "region": region},
            field="to_person",
        )


@transaction.atomic
def reassign_customer(*, customer: Customer, to_person: User, by: User) -> Customer:
    customer = (
        Customer.objects.select_for_update(of=("self",))
        .select_related("territory__region")
        .get(pk=customer.pk)
    )
    region = customer.territory.region
    if region is None or not access.can_manage_region(by, region):
        raise DomainError(_("Only the region's manager can reassign customers."))
    _require_successor(region, to_person)
    if customer.owner_id == to_person.pk:
        return customer
    previous = customer.owner
    customer.owner = to_person
    customer.save(update_fields=["owner", "updated_at"])
    audit.record(
        "customers.customer.reassigned",
        actor=by,
        target=customer,
        changes={"from": previous, "to": to_person},
    )
    return customer


@transaction.atomic
def hand_over(
    *, from_person: User, to_person: User, region: Region, by: User, note: str = ""
) -> Handover:
    """A salesperson leaves: everything they own in the region goes to a successor at once.

    1. only the region's manager; the successor sells in the region and is someone else;
    2. lock and move the customers (their follow-ups go with them: they hang on the owner);
    3. move the leaver's active territory assignments in the region to the successor, so the
       successor reaches the customers and the leaver no longer does (rules.md §3.7);
    4. tell other apps (open trip plans) through `signals.customers_handed_over`;
    5. keep the handover with the customers moved: the notify list.
    """
    if not access.can_manage_region(by, region):
        raise DomainError(_("Only the region's manager can hand customers over."))
    if from_person.pk == to_person.pk:
        raise DomainError(_("Choose a different successor."), field="to_person")
    _require_successor(region, to_person)
    customers = Customer.objects.select_for_update().filter(
        owner=from_person, territory__region=region
    )
    moved_ids = list(customers.values_list("pk", flat=True))
    if not moved_ids:
        raise DomainError(
            _("%(person)s has no customers in this region.") % {"person": from_person},
            field="from_person",
        )
    Customer.objects.filter(pk__in=moved_ids).update(owner=to_person, updated_at=timezone.now())
    territories = territory_services.hand_over_territories(
        from_person=from_person, to_person=to_person, region=region, by=by
    )
    handover = Handover.objects.create(
        from_person=from_person, to_person=to_person, region=region, recorded_by=by, note=note
    )
    handover.customers.add(*moved_ids)
    signals.customers_handed_over.send(
        sender=Handover, handover=handover, from_person=from_person, to_person=to_person
    )
    audit.record(
        "customers.handover.done",
        actor=by,
        target=handover,
        changes={
            "from": from_person,
            "to": to_person,
            "customers": len(moved_ids),
            "territories": [str(assignment.territory) for assignment in territories],
        },
    )
    return handover
