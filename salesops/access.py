"""Who may see and change what (architecture.md "Access"). Every selector filters through it.

The one question it answers: which regions and territories can this user see, and which may
they change. Everything else (customers, plans, visits, claims) is scoped by its territory or
its owner through these answers. Access fails closed: no role, no region or no territory → nothing.
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from salesops.models import Role, User
from territories.models import CrossTerritoryRequest, Region, Territory

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


def sees_all_regions(user: User) -> bool:
    return is_active_user(user) and (user.is_admin or user.role == Role.HEAD_OFFICE)


def visible_regions(user: User) -> QuerySet[Region]:
    if not is_active_user(user):
        return Region.objects.none()
    if sees_all_regions(user):
        return Region.objects.all()
    if user.role in (Role.MANAGER, Role.DIRECTOR, Role.SALESPERSON):
        return Region.objects.filter(members=user)
    return Region.objects.none()


def managed_regions(user: User) -> QuerySet[Region]:
    """Regions whose field decisions this user may take (manager first, director second)."""
    if not is_active_user(user):
        return Region.objects.none()
    if user.is_admin:
        return Region.objects.all()
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        return Region.objects.filter(members=user)
    return Region.objects.none()


def held_territory_paths(user: User) -> list[str]:
    """Paths of the territories this user holds by an active assignment."""
    if not is_active_user(user):
        return []
    return _cached(
        user,
        "held_paths",
        lambda: list(
            user.assignments.active()
            .filter(territory__region__members=user)
            .values_list("territory__path", flat=True)
        ),
    )


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


def sees_team(user: User) -> bool:
    """Whether the user reads other people's records of their regions (managers, the director,
    head office, the admin)."""
    return is_active_user(user) and (
        sees_all_regions(user) or user.role in (Role.MANAGER, Role.DIRECTOR)
    )


def scope_by_region(
    user: User, queryset: QuerySet, *, owner: str = "salesperson", region: str = "region"
) -> QuerySet:
    """Narrow a queryset of per-person records that store their region: a salesperson sees
    their own; managers and the director their regions' (and their own); head office and the
    admin all; anyone else nothing."""
    if not is_active_user(user):
        return queryset.none()
    if sees_all_regions(user):
        return queryset
    if user.role in (Role.MANAGER, Role.DIRECTOR):
        return queryset.filter(Q(**{owner: user}) | Q(**{f"{region}__in": visible_regions(user)}))
    if user.role == Role.SALESPERSON:
        return queryset.filter(**{owner: user})
    return queryset.none()


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
