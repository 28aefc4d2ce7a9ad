"""Reads for the attainment pages, each taking the acting user (scoped through salesops.access)."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from sales.models import Attainment, ScoringRun
from salesops import access
from salesops.models import User
from salesops.months import add_months


def attainments_for(user: User) -> QuerySet[Attainment]:
    """Salespeople see their own; managers and the director their regions'; head office all."""
    return access.scope_by_region(user, Attainment.objects.select_related("salesperson", "region"))


def my_attainment(user: User, period_start: date) -> QuerySet[Attainment]:
    return (
        attainments_for(user)
        .filter(salesperson=user, month__gte=period_start, month__lt=add_months(period_start, 6))
        .order_by("month")
    )


def latest_scored_month(user: User, *, own: bool = False) -> date | None:
    """The newest month with results the user can see: where the pages open by default."""
    queryset = attainments_for(user)
    if own:
        queryset = queryset.filter(salesperson=user)
    return queryset.order_by("-month").values_list("month", flat=True).first()


def team_attainment(user: User, month: date, region_code: str = "") -> QuerySet[Attainment]:
    queryset = attainments_for(user).filter(month=month)
    if region_code:
        queryset = queryset.filter(region__code=region_code)
    return queryset.order_by("region__code", "region_rank", "salesperson__username")


sees_team = access.sees_team


def scoring_run_for(user: User, pk: int) -> ScoringRun:
    runs = ScoringRun.objects.all()
    if not (access.is_active_user(user) and (user.is_admin or access.sees_all_regions(user))):
        runs = runs.filter(started_by=user) if access.is_active_user(user) else runs.none()
    return get_object_or_404(runs, pk=pk)
