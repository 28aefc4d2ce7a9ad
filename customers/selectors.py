"""Read queries for customers, each taking the acting user (scoped by salesops.access)."""

from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import (
    UPGRADE,
    ClassChange,
    Competitor,
    CompetitorObservation,
    Contact,
    Customer,
    Handover,
    ImportBatch,
)
from salesops import access
from salesops.models import User
from salesops.panel_rows import first_rows_by_scope
from territories.models import Region, Territory


def customers_for(user: User) -> QuerySet[Customer]:
    """The book of business the user may see: salespeople their territories, managers and
    directors their regions, head office everything (rules.md §1.1)."""
    return Customer.objects.filter(access.territory_q(user)).select_related("territory", "owner")


def customer_for(user: User, pk: int) -> Customer:
    return get_object_or_404(customers_for(user), pk=pk)


def changeable_customer_for(user: User, pk: int) -> Customer:
    """404 for a customer the user cannot see, 403 for one they may see but not change."""
    customer = customer_for(user, pk)
    if not can_change(user, customer):
        raise PermissionDenied
    return customer


def can_change(user: User, customer: Customer) -> bool:
    return access.changeable_territories(user).filter(pk=customer.territory_id).exists()


def can_log_visit(user: User, customer: Customer) -> bool:
    """Whether the user may log a visit or call to this customer (rules.md §2.5)."""
    return access.may_work_customer(user, customer)


def customer_page(user: User, pk: int) -> Customer:
    """One customer with everything its page shows, in a fixed number of queries.

    Besides the user's scope, a salesperson opens the page of each customer they were allowed
    to work across the territory line (rules.md §2.5) — that customer alone, never its
    territory's others; the book of business (`customers_for`) does not list it."""
    recent_changes = ClassChange.objects.order_by("-changed_at", "-id")
    observations = CompetitorObservation.objects.select_related("competitor").order_by(
        "-observed_on", "-id"
    )
    queryset = (
        Customer.objects.filter(access.customer_page_q(user))
        .select_related("territory", "owner", "territory__region")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.order_by("id")),
            Prefetch("class_changes", queryset=recent_changes, to_attr="class_history"),
            Prefetch(
                "competitor_observations", queryset=observations, to_attr="competitor_history"
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def recent_visits(customer: Customer, limit: int = 10):
    """The customer's latest visits and calls (one query, bounded)."""
    return list(customer.visits.select_related("salesperson").order_by("-visited_at")[:limit])


def recent_sales(customer: Customer, limit: int = 10):
    """The customer's latest sales lines (one query, bounded; the sale date is indexed)."""
    return list(customer.sales.select_related("salesperson").order_by("-sold_at")[:limit])


def duplicate_candidates(
    *, name_key: str, phone_keys: list[str], exclude_pk: int | None = None
) -> QuerySet[Customer]:
    """Company-wide on purpose: a duplicate in a colleague's territory is still a duplicate."""
    condition = Q(normalized_name=name_key) if name_key else Q(pk__in=[])
    phones = [key for key in phone_keys if key]
    if phones:
        condition |= Q(normalized_phone__in=phones) | Q(contacts__normalized_phone__in=phones)
    queryset = Customer.objects.filter(condition).select_related("territory", "owner").distinct()
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.order_by("name")


# --- follow-up queue (rules.md §4.6) -------------------------------------------------------


def _day_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Start of today and of tomorrow in the company's time zone, as aware datetimes."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def follow_ups_due_today(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    start, end = _day_bounds()
    return customers.filter(next_follow_up_at__gte=start, next_follow_up_at__lt=end).order_by(
        "next_follow_up_at"
    )


def follow_ups_overdue(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    start, _end = _day_bounds()
    return customers.filter(next_follow_up_at__lt=start).order_by("next_follow_up_at")


# What a follow-up row shows (customers/_partials/follow_up_row.html), alone: the windows that
# number and count the rows sort every due customer of the scope, and whole rows with their
# territory and owner made those sorts wide (the manager's home at tier L: 3,400 customers).
FOLLOW_UP_COLUMNS = (
    "name",
    "customer_class",
    "last_contacted_at",
    "next_follow_up_at",
    "territory__name_zh",
    "territory__name_en",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


def follow_up_queues(user: User, scopes: list[str], limit: int) -> dict[str, dict]:
    """The home's follow-up panels, one per scope ("mine": the user's own customers, "region":
    the customers of the regions they manage), in two queries whatever the number of scopes:
    per scope, the first `limit` overdue follow-ups and the first due today, each with its
    count ("overdue" and "today", each (rows, count)), and the recent upgrades ("upgrades")."""
    conditions = {scope: _follow_up_scope(user, scope) for scope in scopes}
    start, end = _day_bounds()
    bucket = Case(
        When(next_follow_up_at__lt=start, then=Value("overdue")),
        default=Value("today"),
        output_field=CharField(),
    )
    queues = first_rows_by_scope(
        customers_for(user).filter(next_follow_up_at__lt=end).only(*FOLLOW_UP_COLUMNS),
        conditions,
        group=bucket,
        order_by=[F("next_follow_up_at").asc(), F("pk").asc()],
        limit=limit,
    )
    upgrades = first_rows_by_scope(
        recent_upgrades(customers_for(user).filter(reduce(or_, conditions.values()))),
        {scope: _follow_up_scope(user, scope, "customer__") for scope in scopes},
        group=Value("upgrades", output_field=CharField()),
        order_by=[F("changed_at").desc(), F("pk").desc()],
        limit=limit,
    )
    return {
        scope: {key: queues[scope].get(key, ([], 0)) for key in ("overdue", "today")}
        | {"upgrades": upgrades[scope].get("upgrades", ([], 0))[0]}
        for scope in scopes
    }


def _follow_up_scope(user: User, scope: str, prefix: str = "") -> Q:
    """What a scope keeps of the user's customers, on a customer reached through `prefix`:
    "mine" their own, "region" those of the regions they manage."""
    if scope == "mine":
        return Q(**{f"{prefix}owner": user})
    return Q(**{f"{prefix}territory__region__in": access.managed_regions(user)})


def recent_upgrades(customers: QuerySet[Customer], days: int = 7) -> QuerySet[ClassChange]:
    """Customers that became A or B lately (rules.md §4.5: a C that turns into an A is news)."""
    since = timezone.now() - timedelta(days=days)
    return (
        ClassChange.objects.filter(
            UPGRADE,  # a first classification is not news
            customer__in=customers.values("pk"),
            changed_at__gte=since,
        )
        .select_related("customer", "customer__owner")
        .order_by("-changed_at")
    )


def class_counts(customers: QuerySet[Customer]) -> dict[str, int]:
    rows = customers.order_by().values("customer_class").annotate(n=Count("pk"))
    return {row["customer_class"] or "-": row["n"] for row in rows}


# --- filters' choices, competitors, handovers, imports ---------------------------------------


def territory_choices(user: User) -> QuerySet[Territory]:
    return access.visible_territories(user).exclude(level=Territory.Level.COUNTY).order_by("path")


def changeable_territory_choices(user: User) -> QuerySet[Territory]:
    return access.changeable_territories(user).order_by("path")


def owner_choices(user: User) -> QuerySet[User]:
    return access.visible_people(user).filter(access.sellers_q(), is_active=True)


def competitors() -> QuerySet[Competitor]:
    """The registry is shared company-wide; observations are scoped by territory."""
    return Competitor.objects.annotate(seen=Count("observations")).order_by("-seen", "name")


def top_competitors(user: User, territory: Territory, limit: int = 3) -> QuerySet[Competitor]:
    """rules.md §6.6: per territory (with its cities and counties) the most-seen competitors."""
    observations = CompetitorObservation.objects.filter(
        access.territory_q(user), territory__path__startswith=territory.path
    )
    return (
        Competitor.objects.filter(observations__in=observations)
        .annotate(seen=Count("observations"))
        .order_by("-seen", "name")[:limit]
    )


def managed_regions(user: User) -> QuerySet[Region]:
    return access.managed_regions(user).order_by("code")


def handovers_for(user: User) -> QuerySet[Handover]:
    """Handovers are the managers' business: salespeople see none."""
    if not access.sees_team(user):
        return Handover.objects.none()
    return (
        Handover.objects.filter(region__in=access.visible_regions(user))
        .select_related("from_person", "to_person", "recorded_by", "region")
        .annotate(customer_count=Count("customers"))
        .order_by("-created_at")
    )


def handover_for(user: User, pk: int) -> Handover:
    return get_object_or_404(handovers_for(user), pk=pk)


def notify_list(handover: Handover) -> QuerySet[Customer]:
    """Customers to tell that the leaver no longer represents the company, with contacts."""
    return (
        handover.customers.select_related("territory")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("id")))
        .order_by("territory__path", "name")
    )


def import_batch_for(user: User, pk: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.filter(created_by=user), pk=pk)
