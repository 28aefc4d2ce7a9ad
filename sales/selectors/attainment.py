"""Reads for the attainment pages, each taking the acting user (scoped through salesops.access)."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from sales.models import Attainment, Bonus, ScoringRun
from salesops import access
from salesops.models import User
from salesops.months import add_months


def _with_bonus(queryset: QuerySet[Attainment]) -> QuerySet[Attainment]:
    """Each score with its first-to-target bonus, if any (rules.md §7.7): amount and status."""
    bonus = Bonus.objects.filter(salesperson=OuterRef("salesperson"), month=OuterRef("month"))
    return queryset.annotate(
        bonus_amount=Subquery(bonus.values("amount")[:1]),
        bonus_status=Subquery(bonus.values("status")[:1]),
    )


def attainments_for(user: User) -> QuerySet[Attainment]:
    """Salespeople see their own; managers and the director their regions'; head office all."""
    queryset = _with_bonus(Attainment.objects.select_related("salesperson", "region"))
    return access.scope(user, queryset)


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


def team_total(rows: QuerySet[Attainment]) -> dict:
    """The team's row in one aggregate query (rules.md §10.7): the sums of its people's
    figures, and attainment as the sum of sales ÷ the sum of targets, never a mean of ratios;
    `people`, the rows summed, is the count the page's paginator needs."""
    total = rows.order_by().aggregate(
        people=Count("pk"),
        quota=Sum("quota"),
        carried_over=Sum("carried_over"),
        target=Sum("target"),
        sales=Sum("sales"),
        gross_profit=Sum("gross_profit"),
    )
    target = total["target"]
    total["attainment"] = (
        (total["sales"] * 100 / target).quantize(Decimal("0.1")) if target else None
    )
    return total


def sees_team(user: User) -> bool:
    return access.sees_team(user)


def scoring_run_for(user: User, pk: int) -> ScoringRun:
    runs = ScoringRun.objects.all()
    if not (access.is_active_user(user) and (user.is_admin or access.sees_all_regions(user))):
        runs = runs.filter(started_by=user) if access.is_active_user(user) else runs.none()
    return get_object_or_404(runs, pk=pk)
