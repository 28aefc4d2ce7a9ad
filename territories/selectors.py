"""Read queries for territories, each taking the acting user (scoped by salesops.access)."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from salesops import access
from salesops.models import User
from territories.models import Assignment, CrossTerritoryRequest, Region, Territory


def regions_for(user: User) -> QuerySet[Region]:
    return access.visible_regions(user).select_related("office_city").order_by("code")


def region_for(user: User, code: str) -> Region:
    return get_object_or_404(regions_for(user), code=code)


def chosen_region(regions: list[Region], code: str | None) -> Region | None:
    """Of the regions in scope, the one named by `?region=` (404 for any other, as for a
    record out of scope), else the first; None when the user has no region at all. Pages that
    list a team show one region at a time, so they stay bounded by a region's team."""
    if not code:
        return regions[0] if regions else None
    for region in regions:
        if region.code == code:
            return region
    raise Http404


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
    and `holds_itself` on each, with one query for all of them. Only the assignments that can
    cover them are read: those of the territories themselves and of those above them. A
    region of the largest tier holds 300 active assignments, of counties, which the folded
    tree of its provinces and cities never shows (docs/performance.md, P1)."""
    active = {
        assignment.territory.path: assignment
        for assignment in Assignment.objects.active()
        .filter(territory__region=region, territory__path__in=_paths_covering(territories))
        .select_related("territory", "salesperson")
    }
    for territory in territories:
        covering = [path for path in active if territory.path.startswith(path)]
        territory.holder = active[max(covering, key=len)] if covering else None
        territory.holds_itself = territory.path in active
    return territories


def _paths_covering(territories: list[Territory]) -> set[str]:
    """The paths of these territories and of every territory above them ("330000/",
    "330000/330100/", …): an assignment covers a territory when its own path is one of them."""
    covering = set()
    for territory in territories:
        codes = territory.path.split("/")[:-1]
        covering.update(
            "".join(f"{code}/" for code in codes[:depth]) for depth in range(1, len(codes) + 1)
        )
    return covering


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
    return region.members.filter(access.sellers_q(), is_active=True).order_by("username")


def cross_territory_requests_for(user: User) -> QuerySet[CrossTerritoryRequest]:
    """Salespeople see their own requests; managers and above the requests of their regions."""
    queryset = CrossTerritoryRequest.objects.select_related(
        "requester", "customer", "customer__territory", "customer__territory__region", "decided_by"
    )
    return access.scope(user, queryset, owner="requester", region="customer__territory__region")


def cross_territory_request_for(user: User, pk: int) -> CrossTerritoryRequest:
    return get_object_or_404(cross_territory_requests_for(user), pk=pk)


def requests_waiting_for(user: User) -> QuerySet[CrossTerritoryRequest]:
    """Requests waiting for this user's decision: the region's manager, the director for a
    manager's own request (access.waiting_for, rules.md §1.5)."""
    waiting = access.waiting_for(
        user,
        first=Q(status=CrossTerritoryRequest.Status.PENDING),
        requester="requester",
        region="customer__territory__region",
    )
    return cross_territory_requests_for(user).filter(waiting).order_by("created_at", "id")


def customers_open_to_request(user: User):
    """Customers of the user's regions outside their own territories: what they may ask for.

    The customer model is reached through the request's own foreign key, so this app does not
    import the customers app above it.
    """
    customers = CrossTerritoryRequest.customer.field.related_model.objects
    if not access.is_active_user(user) or not user.sells:
        return customers.none()
    return (
        customers.filter(territory__region__in=user.regions.all())
        .exclude(territory__in=access.held_territories(user))
        .select_related("territory")
        .order_by("name")
    )
