"""Read queries for territories, each taking the acting user (scoped by salesops.access)."""

from datetime import timedelta

from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import Customer
from salesops import access
from salesops.models import CompanySettings, Role, User
from territories.models import Assignment, CrossTerritoryRequest, Region, Territory
from visits.models import Visit


def regions_for(user: User) -> QuerySet[Region]:
    return access.visible_regions(user).select_related("office_city").order_by("code")


def region_for(user: User, code: str) -> Region:
    return get_object_or_404(regions_for(user), code=code)


def territory_for(user: User, pk: int) -> Territory:
    return get_object_or_404(access.visible_territories(user).select_related("region"), pk=pk)


def managed_territory_for(user: User, pk: int) -> Territory:
    """A territory the user may assign or draw; 404 unless it is in a region they manage."""
    queryset = Territory.objects.filter(region__in=access.managed_regions(user))
    return get_object_or_404(queryset.select_related("region"), pk=pk)


def region_tree(user: User, region: Region) -> list[Territory]:
    """The region's top territories with their holders: the tree opens folded (East China
    alone has about a hundred cities); what lies below loads as each is unfolded."""
    visible = access.visible_territories(user).filter(region=region)
    territories = visible.exclude(parent__in=visible).order_by("path")
    return with_holders(list(territories), region)


def children_of(user: User, territory: Territory) -> list[Territory]:
    children = access.visible_territories(user).filter(parent=territory).order_by("path")
    return with_holders(list(children), territory.region)


def with_holders(territories: list[Territory], region: Region | None) -> list[Territory]:
    """Set `holder` (the active assignment covering each territory, its own or one above it)
    and `holds_itself` on each, with one query for the whole region."""
    active = {
        assignment.territory.path: assignment
        for assignment in Assignment.objects.active()
        .filter(territory__region=region)
        .select_related("territory", "salesperson")
    }
    for territory in territories:
        covering = [path for path in active if territory.path.startswith(path)]
        territory.holder = active[max(covering, key=len)] if covering else None
        territory.holds_itself = territory.path in active
    return territories


def assignment_history(user: User, region: Region) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            territory__in=access.visible_territories(user), territory__region=region
        )
        .select_related("territory", "salesperson", "created_by")
        .order_by("-started_on", "-id")
    )


def managed_assignment_for(user: User, pk: int) -> Assignment:
    queryset = Assignment.objects.filter(territory__region__in=access.managed_regions(user))
    return get_object_or_404(queryset.select_related("territory", "salesperson"), pk=pk)


def sellers_in(region: Region) -> QuerySet[User]:
    return region.members.filter(
        is_active=True, role__in=[Role.SALESPERSON, Role.MANAGER]
    ).order_by("username")


def my_territories(user: User) -> QuerySet[Assignment]:
    return user.assignments.active().select_related("territory", "territory__region")


def cross_territory_requests_for(user: User) -> QuerySet[CrossTerritoryRequest]:
    """Salespeople see their own requests; managers and above the requests of their regions."""
    queryset = CrossTerritoryRequest.objects.select_related(
        "requester", "customer", "customer__territory", "customer__territory__region", "decided_by"
    )
    if not access.is_active_user(user):
        return queryset.none()
    if access.sees_all_regions(user):
        return queryset
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        return queryset.filter(customer__territory__region__in=access.visible_regions(user))
    if user.role == Role.SALESPERSON:
        return queryset.filter(requester=user)
    return queryset.none()


def cross_territory_request_for(user: User, pk: int) -> CrossTerritoryRequest:
    return get_object_or_404(cross_territory_requests_for(user), pk=pk)


def pending_decisions_for(user: User) -> QuerySet[CrossTerritoryRequest]:
    """Requests waiting for this user's decision (the regional manager's queue)."""
    if not access.is_active_user(user) or not (user.role == Role.MANAGER or user.is_admin):
        return CrossTerritoryRequest.objects.none()
    return cross_territory_requests_for(user).filter(
        status=CrossTerritoryRequest.Status.PENDING,
        customer__territory__region__in=access.managed_regions(user),
    )


def customers_open_to_request(user: User):
    """Customers of the user's regions outside their own territories: what they may ask for."""
    if not access.is_active_user(user) or not user.sells:
        return Customer.objects.none()
    return (
        Customer.objects.filter(territory__region__in=user.regions.all())
        .exclude(territory__in=access.held_territories(user))
        .select_related("territory")
        .order_by("name")
    )


def has_approved_cross_request(user: User, customer) -> bool:
    return CrossTerritoryRequest.objects.filter(
        requester=user, customer=customer, status=CrossTerritoryRequest.Status.APPROVED
    ).exists()


CITY_PATH_LENGTH = len("330000/330100/")


def blank_areas(user: User, region: Region) -> list[Territory]:
    """Cities of the region with no customers, or no visit for `blank_area_days` (rules.md §2.6).

    Customers and visits are counted per city over the whole subtree (the city and its
    counties), with two grouped queries whatever the number of customers or visits.
    Each city returned carries `customer_count` and `last_visit_at` (None: none in the window).
    """
    since = timezone.now() - timedelta(days=CompanySettings.current().blank_area_days)
    city_path = Substr("territory__path", 1, CITY_PATH_LENGTH)
    customers = dict(
        Customer.objects.filter(territory__region=region, territory__level__in=["city", "county"])
        .annotate(city_path=city_path)
        .values("city_path")
        .annotate(count=Count("id"))
        .values_list("city_path", "count")
    )
    visited = dict(
        Visit.objects.filter(territory__region=region, visited_at__gte=since)
        .annotate(city_path=city_path)
        .values("city_path")
        .annotate(last=Max("visited_at"))
        .values_list("city_path", "last")
    )
    cities = access.visible_territories(user).filter(region=region, level=Territory.Level.CITY)
    blank = []
    for city in cities.order_by("path"):
        city.customer_count = customers.get(city.path, 0)
        city.last_visit_at = visited.get(city.path)
        if city.customer_count == 0 or city.last_visit_at is None:
            blank.append(city)
    return blank
