"""Reads for sales records, each taking the acting user (scoped through salesops.access)."""

from datetime import date

from django.db.models import QuerySet

from sales.models import Sale, SalesImport
from salesops import access
from salesops.models import User
from salesops.months import add_months
from territories.models import Territory


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
    """Head office imports for every region; a regional manager for the regions they manage."""
    if not access.is_active_user(user):
        return Territory.objects.none()
    if access.sees_all_regions(user):
        return access.visible_territories(user)
    if access.is_manager(user):
        return access.changeable_territories(user)
    return Territory.objects.none()
