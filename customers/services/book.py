"""The book of business: creating and changing customers, contacts and their last contact."""

from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import classification
from customers.models import (
    Channel,
    Contact,
    Customer,
)
from customers.normalize import InvalidPhone, normalize_name, normalize_phone
from salesops import access, audit, ledger
from salesops.errors import DomainError
from salesops.models import User
from territories.models import Territory

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

    ledger.enqueue(
        "customers.classify_customer", customer.pk, tasks.classify_customer, customer_id=customer.pk
    )


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
