"""Read queries for trip plans and visits, each taking the acting user (scoped by access)."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import Channel, CompetitorObservation, Customer
from salesops import access
from salesops.models import AuditEntry, CompanySettings, User
from salesops.names import name_contains
from territories.models import Region, Territory
from visits import services
from visits.models import PlannedVisit, TripPlan, Visit, WeekLock

Status = TripPlan.Status
# The states a plan waits for a decision in, as one condition beside the levels' rule: the
# database reads them through the (region, status) index, where the director's rule (either
# level, an "or") made it read every plan of the region (tier L: 4,500 for 42 waiting, on
# every page whose menu counts them).
DECIDING = (Status.SUBMITTED, Status.MANAGER_APPROVED)
TERMINAL_CHANNELS = [Channel.TERMINAL_LARGE, Channel.TERMINAL_MEDIUM, Channel.TERMINAL_SMALL]


# --- trip plans -------------------------------------------------------------------------------


def trip_plans_for(user: User) -> QuerySet[TripPlan]:
    """Own plans for everyone; the plans made in their regions for managers, directors, head
    office (rules.md §1.6)."""
    return access.scope(user, TripPlan.objects.select_related("salesperson", "region"))


def trip_plan_for(user: User, pk: int) -> TripPlan:
    return get_object_or_404(trip_plans_for(user), pk=pk)


def own_trip_plan_for(user: User, pk: int) -> TripPlan:
    """A plan its salesperson works on; anybody else's is a 404."""
    return get_object_or_404(trip_plans_for(user).filter(salesperson=user), pk=pk)


def my_trip_plans(user: User) -> QuerySet[TripPlan]:
    return (
        trip_plans_for(user)
        .filter(salesperson=user)
        .annotate(
            planned_count=Count("planned_visits"),
            done_count=Count("planned_visits", filter=Q(planned_visits__visit__isnull=False)),
        )
    )


def approval_queue(user: User) -> QuerySet[TripPlan]:
    """Plans waiting for this user's decision, in one query (access.waiting_for: the same rule
    as access.may_decide), soonest trip first."""
    waiting = access.waiting_for(
        user,
        first=Q(status=Status.SUBMITTED),
        second=Q(status=Status.MANAGER_APPROVED),
    )
    return (
        TripPlan.objects.filter(waiting, status__in=DECIDING)
        .select_related("salesperson", "region")
        .annotate(planned_count=Count("planned_visits"))
        .order_by("starts_on", "id")
    )


def planned_visits_of(plan: TripPlan) -> QuerySet[PlannedVisit]:
    return plan.planned_visits.select_related("customer", "customer__territory", "visit").order_by(
        "day", "route_position", "id"
    )


def plan_days(plan: TripPlan) -> list[dict]:
    """Each day of the trip with its planned visits in route order and the route's figures."""
    company = CompanySettings.current()
    by_day = defaultdict(list)
    for planned in planned_visits_of(plan):
        by_day[planned.day].append(planned)
    # Never more days than a trip may last (rules.md §5.7), whatever dates a plan stored
    # before that rule holds, plus any later day that has planned visits.
    last = min(plan.ends_on, plan.starts_on + timedelta(days=services.MAX_TRIP_DAYS - 1))
    shown = [plan.starts_on + timedelta(days=n) for n in range((last - plan.starts_on).days + 1)]
    days = []
    for day in sorted({*shown, *by_day}):
        planned = by_day.get(day, [])
        route = services.day_route(planned, company)
        legs = {leg.destination.key: leg for leg in route.legs}
        for item in planned:
            item.leg = legs.get(item.pk)  # the drive that leads to this visit
        days.append({"day": day, "planned": planned, "route": route})
    return days


def completion(plan: TripPlan) -> dict:
    """rules.md §5.6: planned visits matched with visits logged."""
    counts = plan.planned_visits.aggregate(
        planned=Count("id"), done=Count("id", filter=Q(visit__isnull=False))
    )
    rate = round(100 * counts["done"] / counts["planned"]) if counts["planned"] else None
    return {**counts, "rate": rate}


# --- customers a user may visit -----------------------------------------------------------------


def visitable_customers(user: User) -> QuerySet[Customer]:
    """Customers inside the user's territories, plus those of approved cross-territory requests."""
    if not access.is_active_user(user) or not user.sells:
        return Customer.objects.none()
    return Customer.objects.filter(
        Q(territory__in=access.held_territories(user))
        | Q(pk__in=access.approved_cross_territory_customer_ids(user))
    ).select_related("territory")


def customers_in_view(user: User) -> QuerySet[Customer]:
    return Customer.objects.filter(access.territory_q(user))


def customer_suggestions(user: User, text: str, limit: int = 10) -> QuerySet[Customer]:
    text = text.strip()
    if not text:
        return Customer.objects.none()
    customers = visitable_customers(user)
    return customers.filter(name_contains(customers.model, text)).order_by("name")[:limit]


# --- visits -----------------------------------------------------------------------------------


def visits_for(user: User) -> QuerySet[Visit]:
    """Own visits for salespeople; the visits of their regions' territories for everyone above."""
    queryset = Visit.objects.select_related("salesperson", "customer", "territory")
    return access.scope(user, queryset, region="territory__region")


def visit_for(user: User, pk: int) -> Visit:
    return get_object_or_404(visits_for(user), pk=pk)


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """A company-time-zone week as an aware datetime range (a range filter, not a function)."""
    start = timezone.make_aware(datetime.combine(week_start, time.min))
    return start, start + timedelta(days=7)


def visit_log(
    user: User,
    *,
    salesperson: User | None = None,
    customer: Customer | None = None,
    week: date | None = None,
    late_only: bool = False,
) -> QuerySet[Visit]:
    visits = visits_for(user)
    if late_only:
        visits = visits.filter(is_late_entry=True)
    if salesperson is not None:
        visits = visits.filter(salesperson=salesperson)
    if customer is not None:
        visits = visits.filter(customer=customer)
    if week is not None:
        start, end = week_bounds(services.week_start(week))
        visits = visits.filter(visited_at__gte=start, visited_at__lt=end)
    return visits.prefetch_related("competitor_observations__competitor")


def mark_locked(visits: list[Visit]) -> list[Visit]:
    """Set `is_locked` on each visit whose week's report is submitted (one query)."""
    people = {visit.salesperson_id for visit in visits}
    locked = set(
        WeekLock.objects.filter(salesperson__in=people).values_list("salesperson_id", "week_start")
    )
    for visit in visits:
        week = services.week_start(timezone.localdate(visit.visited_at))
        visit.is_locked = (visit.salesperson_id, week) in locked
    return visits


def visit_history(visit: Visit) -> list[dict]:
    """The visit's audit trail: recorded, changed, corrected (rules.md §6.4: kept in history),
    each with its changed fields as (field, before, after)."""
    entries = AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Visit), target_id=str(visit.pk)
    ).select_related("actor")
    return [
        {
            "entry": entry,
            "reason": entry.changes.get("reason", ""),
            "fields": [
                (
                    Visit._meta.get_field(field).verbose_name,
                    before,
                    entry.changes.get("after", {}).get(field),
                )
                for field, before in entry.changes.get("before", {}).items()
            ],
        }
        for entry in entries.order_by("created_at", "id")
    ]


def entered_today(user: User) -> QuerySet[Visit]:
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        visits_for(user)
        .filter(salesperson=user, created_at__gte=start)
        .order_by("-created_at")[:20]
    )


def people_in_log(user: User) -> QuerySet[User]:
    return access.visible_people(user).filter(access.sellers_q())


# --- the territory's market (rules.md §6.6) ------------------------------------------------------


def market_territory_for(user: User, pk: int) -> Territory:
    return get_object_or_404(access.visible_territories(user).select_related("region"), pk=pk)


def top_competitors(territory: Territory, limit: int = 3) -> list[dict]:
    """Competitors most often met in the territory and below (by distinct customers), with the
    latest observation of each, from the company's competitor registry (000 §5e)."""
    observations = CompetitorObservation.objects.filter(territory__path__startswith=territory.path)
    ranking = list(
        observations.values("competitor_id", brand=F("competitor__name"))
        .annotate(customers=Count("customer", distinct=True), mentions=Count("id"))
        .order_by("-customers", "-mentions", "brand")[:limit]
    )
    latest = {}
    ranked_ids = [row["competitor_id"] for row in ranking]
    for observation in observations.filter(competitor_id__in=ranked_ids).order_by("created_at"):
        latest[observation.competitor_id] = observation
    return [{**row, "latest": latest.get(row["competitor_id"])} for row in ranking]


def top_terminal_customers(territory: Territory, limit: int = 10) -> QuerySet[Customer]:
    """Terminal customers of the territory by monthly demand (the latest estimate from visits)."""
    return (
        Customer.objects.filter(
            territory__path__startswith=territory.path,
            channel__in=TERMINAL_CHANNELS,
            estimated_monthly_demand__isnull=False,
        )
        .select_related("territory")
        .order_by("-estimated_monthly_demand", "name")[:limit]
    )


def blank_areas(user: User, region: Region) -> list[Territory]:
    """Cities of the region with no customers, or no visit for `blank_area_days` (rules.md §2.6).

    Customers and visits are looked for over each city's whole subtree (the city and its
    counties), in the same query as the cities, whatever the number of customers or visits.
    Each city returned carries `customer_count` and `visited` (a visit within the window).
    """
    since = timezone.now() - timedelta(days=CompanySettings.current().blank_area_days)
    in_city = {"territory__region": region, "territory__path__startswith": OuterRef("path")}
    customers = Customer.objects.filter(
        territory__level__in=[Territory.Level.CITY, Territory.Level.COUNTY], **in_city
    )
    visits = Visit.objects.filter(visited_at__gte=since, **in_city)
    cities = (
        access.visible_territories(user)
        .filter(region=region, level=Territory.Level.CITY)
        # Whether a city has customers and a recent visit stops at the first of each; only a
        # blank city's customers are counted (a region's regions page at tier L: every city's
        # customers counted and recent visits read, 1,281 and 2,426 a city: 24 → 4 ms).
        .annotate(has_customers=Exists(customers), visited=Exists(visits))
        .filter(Q(has_customers=False) | Q(visited=False))
        .annotate(
            # Counting the territory column, which its index holds, lets the count read the
            # index alone (an index-only scan) rather than every customer row of the city.
            customer_count=Coalesce(_scalar(customers, "COUNT", "territory", IntegerField()), 0),
        )
    )
    return list(cities.order_by("path"))


def _scalar(rows: QuerySet, function: str, field: str, output_field) -> Subquery:
    """One aggregate (`function` of `field`) over `rows`, as a one-value subquery."""
    value = rows.order_by().annotate(value=Func(F(field), function=function)).values("value")
    return Subquery(value, output_field=output_field)
