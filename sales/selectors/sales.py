"""Reads for sales records, each taking the acting user (scoped through salesops.access)."""

from datetime import date

from django.db.models import Prefetch, QuerySet

from sales.models import Sale, SalesImport
from salesops import access
from salesops.models import User
from salesops.months import add_months
from territories.models import Region, Territory


def sales_for(user: User) -> QuerySet[Sale]:
    """Salespeople see their own sales; managers and above their regions'; head office all."""
    queryset = Sale.objects.select_related("customer", "salesperson", "territory")
    return access.scope(user, queryset, region="territory__region")


def sales_in_month(user: User, month: date | None) -> QuerySet[Sale]:
    queryset = sales_for(user)
    if month is not None:
        # A range on the stored month, never a function on the date column.
        queryset = queryset.filter(month__gte=month, month__lt=add_months(month, 1))
    return queryset.order_by("-sold_at", "-id")


def imports_for(user: User) -> QuerySet[SalesImport]:
    """Head office sees every sales import, anyone else the imports they made."""
    if not access.is_active_user(user):
        return SalesImport.objects.none()
    queryset = SalesImport.objects.select_related("imported_by").defer("content")
    if access.sees_all_regions(user):
        return queryset
    return queryset.filter(imported_by=user)


def recent_imports(user: User) -> QuerySet[SalesImport]:
    return imports_for(user)[:10]


def importable_territories(user: User) -> QuerySet[Territory]:
    """Head office brings sales in for every region (rules.md §7.1); nobody else does."""
    if not access.brings_sales_in(user):
        return Territory.objects.none()
    return access.visible_territories(user)


def sellers_by_region(user: User) -> list[tuple[Region, list[User]]]:
    """The people a hand-entered sale may be credited to, region by region: each region's
    salespeople and its manager (rules.md §1.2), in the regions the user brings sales in for."""
    if not access.brings_sales_in(user):
        return []
    sellers = User.objects.filter(access.sellers_q(), is_active=True).order_by(
        "display_name", "username"
    )
    regions = access.visible_regions(user).order_by("name_en")
    regions = regions.prefetch_related(Prefetch("members", queryset=sellers, to_attr="sellers"))
    return [(region, region.sellers) for region in regions if region.sellers]
