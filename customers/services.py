"""Every change to prospects and customers (the only writers)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import classification, signals
from customers.models import (
    Channel,
    Competitor,
    CompetitorObservation,
    Contact,
    CreditIncident,
    CreditTier,
    Customer,
    Handover,
)
from customers.normalize import InvalidPhone, normalize_name, normalize_phone
from salesops import access, audit, queue
from salesops.errors import DomainError
from salesops.models import User
from territories.models import Region, Territory

CUSTOMER_FIELDS = [
    "name",
    "channel",
    "territory",
    "address",
    "industry",
    "phone",
    "estimated_monthly_demand",
    "expected_order_date",
    "current_supplier",
    "current_price",
    "source",
    "credit_tier",
    "agreement_signed_on",
    "agreed_monthly_order",
]
CLASSIFYING_FIELDS = {"estimated_monthly_demand", "expected_order_date", "last_contacted_at"}


def _queue_reclassification(customer: Customer) -> None:
    from customers import tasks

    queue.on_commit(tasks.classify_customer, customer_id=customer.pk)


def _require_changeable(by: User, territory: Territory) -> None:
    if not access.changeable_territories(by).filter(pk=territory.pk).exists():
        raise DomainError(
            _("You cannot change customers in %(t)s.") % {"t": territory}, field="territory"
        )


def _phone_key(phone: str, field_name: str = "phone") -> str:
    try:
        return normalize_phone(phone)
    except InvalidPhone:
        raise DomainError(
            _("“%(phone)s” is not a mainland mobile or landline number.") % {"phone": phone},
            field=field_name,
        ) from None


def duplicates_of(*, name: str, phones: list[str], exclude_pk: int | None = None):
    """Customers company-wide whose normalised name or phone (own or a contact's) matches."""
    from customers.selectors import duplicate_candidates

    return duplicate_candidates(
        name_key=normalize_name(name),
        phone_keys=[_phone_key(phone) for phone in phones if phone],
        exclude_pk=exclude_pk,
    )


def _refuse_duplicates(*, name: str, phones: list[str], exclude_pk: int | None) -> None:
    matches = list(duplicates_of(name=name, phones=phones, exclude_pk=exclude_pk)[:5])
    if matches:
        raise DuplicateCustomer(matches)


class DuplicateCustomer(DomainError):
    """The new or edited record matches existing ones; the user may confirm and save anyway."""

    def __init__(self, matches: list[Customer]):
        names = "; ".join(f"{match.name} ({match.territory})" for match in matches)
        super().__init__(
            _("Possible duplicate of: %(names)s. Check, then tick “save anyway” if it is not.")
            % {"names": names},
            field="name",
        )
        self.matches = matches


def _check_dealer_fields(values: dict) -> None:
    if values.get("credit_tier") and values.get("channel") != Channel.DEALER:
        raise DomainError(_("Only dealers carry a credit tier."), field="credit_tier")


@transaction.atomic
def create_customer(
    *,
    by: User,
    name: str,
    channel: str,
    territory: Territory,
    allow_duplicate: bool = False,
    contacts: list[dict] | None = None,
    owner: User | None = None,
    **details,
) -> Customer:
    """A new prospect (rules.md §3.4), flagged when it duplicates one already on file."""
    _require_changeable(by, territory)
    name = name.strip()
    if not name:
        raise DomainError(_("A customer needs a name."), field="name")
    values = {"name": name, "channel": channel, "territory": territory, **details}
    _check_dealer_fields(values)
    phone_key = _phone_key(values.get("phone", ""))
    if not allow_duplicate:
        phones = [values.get("phone", ""), *(c.get("phone", "") for c in contacts or [])]
        _refuse_duplicates(name=name, phones=phones, exclude_pk=None)
    customer = Customer.objects.create(
        **values,
        owner=owner or (by if by.sells else None),
        normalized_name=normalize_name(name),
        normalized_phone=phone_key,
    )
    for contact in contacts or []:
        _create_contact(customer, contact)
    audit.record(
        "customers.customer.created",
        actor=by,
        target=customer,
        changes={**values, "owner": customer.owner},
    )
    _queue_reclassification(customer)
    return customer


@transaction.atomic
def update_customer(
    *, customer: Customer, by: User, allow_duplicate: bool = False, **values
) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _require_changeable(by, customer.territory)
    if "territory" in values:
        _require_changeable(by, values["territory"])
    merged = {field_name: getattr(customer, field_name) for field_name in CUSTOMER_FIELDS} | values
    _check_dealer_fields(merged)
    if not merged["name"].strip():
        raise DomainError(_("A customer needs a name."), field="name")
    changed = {k: v for k, v in values.items() if getattr(customer, k) != v}
    if not changed:
        return customer
    if not allow_duplicate and ({"name", "phone"} & changed.keys()):
        _refuse_duplicates(name=merged["name"], phones=[merged["phone"]], exclude_pk=customer.pk)
    for field_name, value in changed.items():
        setattr(customer, field_name, value)
    customer.normalized_name = normalize_name(customer.name)
    customer.normalized_phone = _phone_key(customer.phone)
    customer.save(update_fields=[*changed, "normalized_name", "normalized_phone", "updated_at"])
    audit.record("customers.customer.changed", actor=by, target=customer, changes=changed)
    if CLASSIFYING_FIELDS & changed.keys():
        _queue_reclassification(customer)
    return customer


def follow_up_moment(day: date | None) -> datetime | None:
    """A follow-up date as the moment it falls due: the start of that day in company time."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


@transaction.atomic
def record_contact(
    *,
    customer: Customer,
    contacted_at: datetime,
    by: User,
    demand: Decimal | None = None,
    expected_order_date: date | None = None,
    follow_up_on: date | None = None,
) -> Customer:
    """A visit or call reached the customer (rules.md §4.2: a phone call counts as contact).

    Keeps the latest contact time and, when the visit brought them, the new demand estimate
    and expected order date. The latest contact also decides the next follow-up (rules.md
    §4.7): the date it set, or none, which leaves the class cadence in charge; an older contact
    entered late changes neither. The follow-up date is written at once, the class is
    recomputed once the visit commits.
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    changed = {}
    is_latest = customer.last_contacted_at is None or contacted_at >= customer.last_contacted_at
    if customer.last_contacted_at is None or contacted_at > customer.last_contacted_at:
        changed["last_contacted_at"] = contacted_at
    if is_latest and customer.follow_up_requested_for != follow_up_moment(follow_up_on):
        changed["follow_up_requested_for"] = follow_up_moment(follow_up_on)
    if demand is not None:
        changed["estimated_monthly_demand"] = demand
    if expected_order_date is not None:
        changed["expected_order_date"] = expected_order_date
    for field_name, value in changed.items():
        setattr(customer, field_name, value)
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
        audit.record("customers.customer.contacted", actor=by, target=customer, changes=changed)
        classification.refresh_follow_ups(Customer.objects.filter(pk=customer.pk))
        customer.refresh_from_db(fields=["next_follow_up_at"])
    _queue_reclassification(customer)  # rules.md §4.5: recomputed after each visit
    return customer


# --- contacts ------------------------------------------------------------------------------


def _create_contact(customer: Customer, values: dict) -> Contact:
    if not (values.get("name") or "").strip():
        raise DomainError(_("A contact needs a name."), field="contact_name")
    return Contact.objects.create(
        customer=customer,
        name=values["name"].strip(),
        position=values.get("position", ""),
        phone=values.get("phone", ""),
        email=values.get("email", ""),
        normalized_phone=_phone_key(values.get("phone", ""), "contact_phone"),
    )


@transaction.atomic
def add_contact(*, customer: Customer, by: User, **values) -> Contact:
    _require_changeable(by, customer.territory)
    contact = _create_contact(customer, values)
    audit.record("customers.contact.added", actor=by, target=customer, changes=values)
    return contact


@transaction.atomic
def remove_contact(*, contact: Contact, by: User) -> None:
    _require_changeable(by, contact.customer.territory)
    audit.record(
        "customers.contact.removed",
        actor=by,
        target=contact.customer,
        changes={"name": contact.name},
    )
    contact.delete()


# --- reassignment and handover (rules.md §3.6: customers are company property) -------------


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
    3. tell other apps (open trip plans) through `signals.customers_handed_over`;
    4. keep the handover with the customers moved: the notify list.
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
        changes={"from": from_person, "to": to_person, "customers": len(moved_ids)},
    )
    return handover


# --- dealers' credit (rules.md §3.8) -----------------------------------------------------------


@dataclass
class CreditDecision:
    eligible: bool
    reasons: list[str] = field(default_factory=list)


def evaluate_credit(*, customer: Customer, today: date | None = None) -> CreditDecision:
    """Only tier A dealers get credit, and only with a signed agreement on file, each of the
    last three full months' orders at least the agreed amount, and no bad debt or dispute in
    those three months."""
    from customers.classification import last_three_full_months, monthly_sales_totals

    today = today or timezone.localdate()
    reasons = []
    if customer.channel != Channel.DEALER or customer.credit_tier != CreditTier.A:
        reasons.append(_("Only tier A dealers get credit."))
    if customer.agreement_signed_on is None:
        reasons.append(_("No signed agreement on file."))
    start, end = last_three_full_months(today)
    totals = monthly_sales_totals(customer_id=customer.pk, start=start, end=end)
    agreed = customer.agreed_monthly_order
    if agreed is None:
        reasons.append(_("No agreed monthly order amount."))
    elif len(totals) < 3 or any(total < agreed for total in totals.values()):
        reasons.append(_("Not every one of the last three months' orders met the agreed amount."))
    if customer.credit_incidents.filter(occurred_on__gte=start, occurred_on__lt=end).exists():
        reasons.append(_("A bad debt or dispute in the last three months."))
    return CreditDecision(eligible=not reasons, reasons=reasons)


@transaction.atomic
def record_credit_incident(
    *, customer: Customer, kind: str, occurred_on: date, by: User, note: str = ""
) -> CreditIncident:
    _require_changeable(by, customer.territory)
    incident = CreditIncident.objects.create(
        customer=customer, kind=kind, occurred_on=occurred_on, note=note
    )
    audit.record(
        "customers.credit_incident.recorded",
        actor=by,
        target=customer,
        changes={"kind": kind, "occurred_on": occurred_on},
    )
    return incident


# --- competitors (rules.md §6.5) --------------------------------------------------------------


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
