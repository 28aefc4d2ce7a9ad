"""Who may see and change what (architecture.md "Access"). Every selector filters through it.

The one question it answers: which regions and territories can this user see, and which may
they change. Everything else (customers, plans, visits, claims) is scoped by its territory or
its owner through these answers. Access fails closed: no role, no region or no territory → nothing.
"""

from functools import reduce
from operator import or_

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Q, QuerySet, Value

from salesops.models import FIRST_LEVEL, SECOND_LEVEL, Role, User
from territories.models import Assignment, CrossTerritoryRequest, Region, Territory

_CACHE_ATTR = "_salesops_access_cache"


def _cached(user: User, key: str, compute):
    # Per-request memo: the user object lives for one request, so an ended assignment or a
    # deactivated account takes effect on the next request.
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def forget(user: User) -> None:
    """Drop the memo (after a change made within the same request)."""
    user.__dict__.pop(_CACHE_ATTR, None)


def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


# --- roles: the only place that names them (menus filter by these sets) -----------------------

SELLING_ROLES = frozenset({Role.SALESPERSON, Role.MANAGER})  # rules.md §1.2: managers sell too
SELLER_ROLES = SELLING_ROLES | {Role.ADMIN}
DECIDER_ROLES = frozenset({Role.MANAGER, Role.DIRECTOR, Role.ADMIN})
LEAD_ROLES = frozenset({Role.MANAGER, Role.DIRECTOR, Role.HEAD_OFFICE, Role.ADMIN})
FIELD_ROLES = frozenset({Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.ADMIN})


def sellers_q(prefix: str = "") -> Q:
    """People who sell (salespeople and regional managers), as a filter on a user relation."""
    return Q(**{f"{prefix}role__in": SELLING_ROLES})


def is_manager(user: User) -> bool:
    """A regional manager (not the admin): corrects visits, decides the region's requests."""
    return is_active_user(user) and user.role == Role.MANAGER


def is_director(user: User) -> bool:
    """A sales director (of whichever regions they hold)."""
    return is_active_user(user) and user.role == Role.DIRECTOR


def sets_company_settings(user: User) -> bool:
    """Head office owns the rules' numbers (rules.md §0.3); the administrator may too."""
    return is_active_user(user) and user.owns_company_settings


def sees_team(user: User) -> bool:
    """Whether the user reads beyond their own records: managers, directors, head office and
    the admin (team attainment, handovers, the people panel)."""
    return is_active_user(user) and (user.is_admin or user.role in LEAD_ROLES)


def sees_all_regions(user: User) -> bool:
    return is_active_user(user) and (user.is_admin or user.role == Role.HEAD_OFFICE)


def brings_sales_in(user: User) -> bool:
    """rules.md §7.1, §1.3: sales come from the order system through head office, by import or
    by hand. Not the managers, whose attainment, rank and bonus the sales decide."""
    return is_active_user(user) and user.role == Role.HEAD_OFFICE


def needs_second_factor(user: User) -> bool:
    """The roles that decide and export sign in with a one-time code as well as the password:
    managers, directors, head office and the admin."""
    return is_active_user(user) and (user.is_admin or user.role in LEAD_ROLES)


def head_office_users() -> QuerySet[User]:
    """The active head office people: who the monthly region rollup is mailed to (rules.md §9.5)."""
    return User.objects.filter(role=Role.HEAD_OFFICE, is_active=True)


def visible_regions(user: User) -> QuerySet[Region]:
    if not is_active_user(user):
        return Region.objects.none()
    if sees_all_regions(user):
        return Region.objects.all()
    if user.role in (Role.MANAGER, Role.DIRECTOR, Role.SALESPERSON):
        return Region.objects.filter(members=user)
    return Region.objects.none()


def regions_in_scope(user: User) -> list[Region]:
    """`visible_regions` by code, read once per request: the home page and its panels all ask."""
    if not is_active_user(user):
        return []
    if _member_of_regions(user):
        return _regions_and_held(user)[0]
    return _cached(user, "regions", lambda: list(visible_regions(user).order_by("code")))


def managed_regions(user: User) -> QuerySet[Region]:
    """Regions whose field decisions this user may take (manager first, director second)."""
    if not is_active_user(user):
        return Region.objects.none()
    if user.is_admin:
        return Region.objects.all()
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        return Region.objects.filter(members=user)
    return Region.objects.none()


def regions_managed(user: User) -> list[Region]:
    """`managed_regions` by code, read once per request. A manager's, a director's and the
    admin's managed regions are the regions they see, so this shares `regions_in_scope`'s read."""
    if not is_active_user(user):
        return []
    if user.is_admin or user.role in (Role.MANAGER, Role.DIRECTOR):
        return regions_in_scope(user)
    return []


def held_assignments(user: User) -> list:
    """The user's active assignments in their regions, each with its territory and region:
    read once per request, for the scope (`held_territory_paths`) and the home's panel alike."""
    if not is_active_user(user):
        return []
    if _member_of_regions(user):
        return _regions_and_held(user)[1]
    return _cached(user, "held", lambda: list(_held(user).order_by("started_on", "pk")))


def _held(user: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.active()
        .filter(salesperson=user, territory__region__members=user)
        .select_related("territory", "territory__region")
    )


def _member_of_regions(user: User) -> bool:
    """A user whose regions are the ones they are a member of (`visible_regions`)."""
    return user.role in (Role.MANAGER, Role.DIRECTOR, Role.SALESPERSON)


def _regions_and_held(user: User) -> tuple[list[Region], list[Assignment]]:
    """For a member of regions: their regions (by code) and their active assignments in them
    (by start), read together once per request. Nearly every page of a seller asks for both
    (the scope, the home's panels), so they are one query: a union of the assignments, each
    with its territory and region, and the regions, with the other part's columns empty."""
    return _cached(user, "regions_and_held", lambda: _read_regions_and_held(user))


def _columns(model, path: str, prefix: str, *, empty: bool) -> dict:
    """Every column of `model` reached through `path`, named `prefix` + column, or NULLs of the
    same types for the part of a union that has none."""
    columns = {}
    for field in model._meta.concrete_fields:
        name = f"{prefix}{field.attname}"
        if empty:
            target = field.target_field if field.is_relation else field
            columns[name] = Value(None, output_field=target.__class__())
        else:
            columns[name] = F(f"{path}{field.attname}")
    return columns


def _row_model(model, row: dict, prefix: str):
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[f"{prefix}{name}"] for name in names])


def _read_regions_and_held(user: User) -> tuple[list[Region], list[Assignment]]:
    held = (
        _held(user)
        .order_by()
        .values(
            **_columns(Region, "territory__region__", "r_", empty=False),
            **_columns(Assignment, "", "a_", empty=False),
            **_columns(Territory, "territory__", "t_", empty=False),
        )
    )
    regions = (
        Region.objects.filter(members=user)
        .order_by()
        .values(
            **_columns(Region, "", "r_", empty=False),
            **_columns(Assignment, "", "a_", empty=True),
            **_columns(Territory, "", "t_", empty=True),
        )
    )
    found_regions, found_held = [], []
    for row in held.union(regions, all=True):
        region = _row_model(Region, row, "r_")
        if row["a_id"] is None:
            found_regions.append(region)
            continue
        assignment = _row_model(Assignment, row, "a_")
        assignment.territory = _row_model(Territory, row, "t_")
        assignment.territory.region = region
        found_held.append(assignment)
    found_regions.sort(key=lambda region: region.code)
    found_held.sort(key=lambda assignment: (assignment.started_on, assignment.pk))
    return found_regions, found_held


def held_territory_paths(user: User) -> list[str]:
    """Paths of the territories this user holds by an active assignment."""
    return [assignment.territory.path for assignment in held_assignments(user)]


def _subtrees(paths: list[str], prefix: str = "") -> Q:
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}path__startswith": path}) for path in paths))


def held_territories(user: User) -> QuerySet[Territory]:
    """Territories the user holds, with every city and county below them."""
    return Territory.objects.filter(_subtrees(held_territory_paths(user)))


def visible_territories(user: User) -> QuerySet[Territory]:
    if not is_active_user(user):
        return Territory.objects.none()
    if sees_all_regions(user):
        return Territory.objects.filter(region__isnull=False)
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        return Territory.objects.filter(region__in=visible_regions(user))
    if user.role == Role.SALESPERSON:
        return held_territories(user)
    return Territory.objects.none()


def changeable_territories(user: User) -> QuerySet[Territory]:
    """Territories whose field records (customers, plans, visits) this user may change."""
    if not is_active_user(user) or user.role == Role.HEAD_OFFICE:
        # rules.md §1.3: head office never edits the field's records
        return Territory.objects.none()
    if user.is_admin:
        return Territory.objects.filter(region__isnull=False)
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        return Territory.objects.filter(region__in=managed_regions(user))
    return held_territories(user)


def territory_q(user: User, field: str = "territory") -> Q:
    """A filter for any model with a territory foreign key.

    Usage: `Model.objects.filter(territory_q(user))`.
    """
    return Q(**{f"{field}__in": visible_territories(user)})


def visible_people(user: User) -> QuerySet[User]:
    if not is_active_user(user):
        return User.objects.none()
    if sees_all_regions(user):
        return User.objects.all()
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        return User.objects.filter(regions__in=visible_regions(user)).distinct()
    if user.role == Role.SALESPERSON:
        return User.objects.filter(pk=user.pk)
    return User.objects.none()


def can_manage_region(user: User, region: Region) -> bool:
    return managed_regions(user).filter(pk=region.pk).exists()


def is_regional_manager_of(user: User, region: Region) -> bool:
    """The first-level approver of a region's field decisions (rules.md §1.8)."""
    if not is_active_user(user):
        return False
    if user.is_admin:
        return True
    return user.role == Role.MANAGER and region.members.filter(pk=user.pk).exists()


# --- the territory line (rules.md §2.5) ---------------------------------------------------------


def approved_cross_territory_customer_ids(user: User) -> QuerySet:
    """Ids of the customers the user asked to work across the territory line and was allowed
    to: their own approved requests, for customers of a region they still belong to."""
    if not is_active_user(user) or not user.sells:
        return CrossTerritoryRequest.objects.none().values("customer_id")
    return CrossTerritoryRequest.objects.filter(
        requester=user,
        status=CrossTerritoryRequest.Status.APPROVED,
        customer__territory__region__members=user,
    ).values("customer_id")


def customer_page_q(user: User) -> Q:
    """A filter on Customer for the customers whose page the user may open: those of their
    scope, and each single customer of an approved cross-territory request of theirs."""
    return territory_q(user) | Q(pk__in=approved_cross_territory_customer_ids(user))


def may_work_customer(user: User, customer) -> bool:
    """rules.md §2.5: visits and plans only inside held territories, or for a customer whose
    cross-territory request was approved first."""
    if not is_active_user(user) or not user.sells:
        return False
    if held_territories(user).filter(pk=customer.territory_id).exists():
        return True
    return approved_cross_territory_customer_ids(user).filter(customer_id=customer.pk).exists()


def is_director_of(user: User, region: Region) -> bool:
    """The second-level decider of a region's field requests (rules.md §1.8)."""
    if not is_active_user(user):
        return False
    return user.is_admin or (
        user.role == Role.DIRECTOR and region.members.filter(pk=user.pk).exists()
    )


# --- scope: what a user may see ---------------------------------------------------------------


def scope(
    user: User,
    queryset: QuerySet,
    *,
    owner: str | None = "salesperson",
    region: str | None = "region",
    territory: str | None = None,
) -> QuerySet:
    """Narrow `queryset` to what `user` may see (rules.md §1.1, §1.6).

    `owner` names the person a record belongs to, `region` the region stored on the record when
    it was made, `territory` its territory. Everyone sees their own records; managers and
    directors the records made in their regions (even after the salesperson moved on);
    salespeople the records of the territories they hold; head office and the admin all.
    A record with no stored region is placed by its owner's regions.
    """
    if not is_active_user(user):
        return queryset.none()
    if sees_all_regions(user):
        return queryset
    seen = Q(**{owner: user}) if owner else Q(pk__in=[])
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        regions = visible_regions(user)
        if region:
            return queryset.filter(seen | _in_regions(queryset, region, regions))
        if territory:
            return queryset.filter(seen | Q(**{f"{territory}__region__in": regions}))
        return queryset.filter(seen | Q(**{f"{owner}__regions__in": regions})).distinct()
    if user.role == Role.SALESPERSON:
        if territory:
            seen |= Q(**{f"{territory}__in": held_territories(user)})
        return queryset.filter(seen)
    return queryset.none()


def _in_regions(queryset: QuerySet, path: str, regions) -> Q:
    """The records whose region, at `path` (a field, or a foreign key's path to one), is among
    `regions`. Through a foreign key the key's own column is tested against a subquery, so the
    database can rule a record out before joining what the page shows of it: a director's
    visit log at tier L walked the company's visits newest first and joined each one's
    customer before its territory ruled it out (29 → 1.9 ms, docs/performance.md)."""
    key, _, rest = path.partition("__")
    if not rest:
        return Q(**{f"{path}__in": regions})
    related = queryset.model._meta.get_field(key).related_model
    return Q(**{f"{key}__in": related.objects.filter(**{f"{rest}__in": regions}).values("pk")})


# --- who decides (rules.md §1.5, §1.8) ---------------------------------------------------------
#
# A record waiting for a decision says at which level it waits (`approval_level`: 1, 2 or
# None), who asked (`requester`) and in which region (`approval_region`). Level 1 belongs to
# the region's manager, level 2 to the region's director, and a manager's own request skips
# to the director. Nobody decides their own request, the admin included.

__all__ = ["FIRST_LEVEL", "SECOND_LEVEL"]  # re-exported for the apps


def _decides_as_director(requester: User, level: int) -> bool:
    return level == SECOND_LEVEL or requester.role == Role.MANAGER


def is_decider(user: User) -> bool:
    """Whether the user takes decisions at all (a region's manager or director, the admin)."""
    return is_active_user(user) and (user.is_admin or user.role in DECIDER_ROLES)


def is_decider_of(user: User, record, *, levels=(FIRST_LEVEL, SECOND_LEVEL)) -> bool:
    """Whether the user decides `record` at one of its type's `levels`, whatever its state
    now: the one who hears "already decided" rather than "forbidden" (rules.md §1.7, §1.9)."""
    return any(may_decide(user, record, level=level) for level in levels)


def may_decide(user: User, record, *, level: int | None = None) -> bool:
    """Whether `record` waits for this user's decision (at `level`, or at its current one)."""
    level = record.approval_level if level is None else level
    requester = record.requester
    if level is None or not is_active_user(user) or requester.pk == user.pk:
        return False
    region = record.approval_region
    if _decides_as_director(requester, level):
        return is_director_of(user, region)
    return is_regional_manager_of(user, region)


def waiting_for(
    user: User,
    *,
    first: Q,
    second: Q | None = None,
    requester: str = "salesperson",
    region: str = "region",
) -> Q:
    """The filter of records waiting for this user's decision; `first` and `second` select
    the records waiting at each level. The same rule as `may_decide`, in one query."""
    none = Q(pk__in=[])
    if not is_active_user(user):
        return none
    by_manager = Q(**{f"{requester}__role": Role.MANAGER})
    waiting = none
    if user.is_admin or user.role == Role.MANAGER:
        waiting |= first & ~by_manager
    if user.is_admin or user.role == Role.DIRECTOR:
        waiting |= (first & by_manager) | (second or none)
    return waiting & Q(**{f"{region}__in": managed_regions(user)}) & ~Q(**{requester: user})
