"""The competitor registry (rules.md §6.5)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import (
    Competitor,
    CompetitorObservation,
    Customer,
)
from customers.normalize import normalize_name
from salesops import audit
from salesops.errors import DomainError
from salesops.models import User
from territories.models import Territory


@transaction.atomic
def register_competitor(
    *, name: str, by: User | None, brand: str = "", notes: str = ""
) -> Competitor:
    """The registry's entry for this name (found by its normalised form, or created)."""
    key = normalize_name(name)
    if not key:
        raise DomainError(_("A competitor needs a name."), field="name")
    competitor, created = Competitor.objects.get_or_create(
        normalized_name=key, defaults={"name": name.strip(), "brand": brand, "notes": notes}
    )
    if created:
        audit.record(
            "customers.competitor.registered", actor=by, target=competitor, changes={"name": name}
        )
    return competitor


@transaction.atomic
def record_competitor_observation(
    *,
    competitor_name: str,
    territory: Territory,
    observed_on: date,
    by: User,
    customer: Customer | None = None,
    visit=None,
    **details,
) -> CompetitorObservation:
    """What a visit saw of a competitor (price, quality, payment terms, after-sales service,
    strengths, weaknesses, estimated monthly volume). The visits app calls this."""
    if customer is not None and customer.territory_id != territory.pk:
        territory = customer.territory
    competitor = register_competitor(name=competitor_name, by=by)
    observation = CompetitorObservation.objects.create(
        competitor=competitor,
        territory=territory,
        customer=customer,
        visit=visit,
        observed_on=observed_on,
        recorded_by=by,
        **details,
    )
    audit.record(
        "customers.competitor.observed",
        actor=by,
        target=observation,
        changes={"competitor": competitor, "customer": customer, **details},
    )
    return observation
