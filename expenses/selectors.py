"""Reads for expenses, each taking the acting user and scoped through salesops.access."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from expenses.models import ExpenseClaim, ExpenseItem, TravelAdvance
from salesops import access
from salesops.models import CompanySettings, User
from salesops.months import add_months
from visits.models import TripPlan

ZERO = Decimal("0.00")
Status = ExpenseClaim.Status
# The states a claim waits for a signature in, as one condition beside the levels' rule, read
# through the (region, status) index (visits.selectors.DECIDING says why).
DECIDING = (Status.SUBMITTED, Status.MANAGER_APPROVED)


def claims_for(user: User) -> QuerySet[ExpenseClaim]:
    """Own claims; those made in their regions for managers and directors (rules.md §1.6)."""
    queryset = ExpenseClaim.objects.select_related("salesperson", "region", "decided_by")
    return access.scope(user, queryset).annotate(total=_items_total())


def _items_total():
    """A claim's total as a subquery per claim row, not a join grouped over every claim: a
    list sorts and cuts its page first, then totals only the claims it shows (at tier L head
    office's list summed 288,000 items for 100 claims, docs/performance.md)."""
    items = (
        ExpenseItem.objects.filter(claim=OuterRef("pk"))
        .order_by()
        .values("claim")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField()
    return Coalesce(Subquery(items, output_field=money), Value(ZERO), output_field=money)


def claim_for(user: User, pk: int) -> ExpenseClaim:
    return get_object_or_404(claims_for(user), pk=pk)


def item_for(user: User, pk: int) -> ExpenseItem:
    return get_object_or_404(
        ExpenseItem.objects.filter(claim__in=claims_for(user)).select_related("claim"), pk=pk
    )


def approval_queue_for(user: User) -> QuerySet[ExpenseClaim]:
    """Claims waiting for this user's signature: the manager first, the director above the cap
    and for a manager's own claim (access.waiting_for)."""
    waiting = access.waiting_for(
        user,
        first=Q(status=Status.SUBMITTED),
        second=Q(status=Status.MANAGER_APPROVED),
    )
    return claims_for(user).filter(waiting, status__in=DECIDING).order_by("submitted_at")


def advances_for(user: User) -> QuerySet[TravelAdvance]:
    queryset = TravelAdvance.objects.select_related("salesperson", "trip_plan", "settled_by_claim")
    return access.scope(user, queryset, region=None)


def own_trip_plans(user: User) -> QuerySet[TripPlan]:
    return TripPlan.objects.filter(salesperson=user).order_by("-starts_on")


# --- issue item 5: the month's expense cap on the trip-plan editor -----------------------------


@dataclass
class ExpenseCap:
    month: date
    cap: Decimal
    used: Decimal
    plan_adds: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.cap - self.used - self.plan_adds

    @property
    def over_cap(self) -> bool:
        return self.remaining < 0

    @property
    def used_percent(self) -> int:
        if self.cap <= 0:
            return 100
        return min(100, round(100 * (self.used + self.plan_adds) / self.cap))


def expense_cap_for(*, salesperson: User, month: date, plan: TripPlan | None = None) -> ExpenseCap:
    """How much of the month's cap (rules.md §8.7) the claimed items use, and what a plan would add.

    The plan adds its estimated total unless items are already claimed against it.
    """
    used = (
        ExpenseItem.objects.filter(claim__salesperson=salesperson, claim__month=month)
        .exclude(claim__status=Status.REJECTED)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    plan_adds = ZERO
    if plan is not None and not plan.expense_items.exists():
        plan_adds = plan.estimated_total
    return ExpenseCap(
        month=month,
        cap=CompanySettings.in_force_on(month).monthly_expense_cap,
        used=used,
        plan_adds=plan_adds,
    )


# --- issue item 6: planned vs visited vs spent -------------------------------------------------


def _approved_spend():
    return Coalesce(
        Subquery(
            ExpenseItem.objects.filter(trip_plan=OuterRef("pk"), claim__status=Status.APPROVED)
            .values("trip_plan")
            .annotate(total=Sum("amount"))
            .values("total")
        ),
        Value(ZERO),
        output_field=DecimalField(),
    )


def plans_with_spend(user: User) -> QuerySet[TripPlan]:
    """Trip plans in scope with planned and visited counts and the approved spend on each."""
    queryset = access.scope(user, TripPlan.objects.all())
    return (
        queryset.select_related("salesperson")
        .annotate(
            planned=Count("planned_visits", distinct=True),
            visited=Count(
                "planned_visits", filter=Q(planned_visits__visit__isnull=False), distinct=True
            ),
            spent=_approved_spend(),
        )
        .order_by("-starts_on", "-id")
    )


def plan_spend_for(user: User, pk: int) -> TripPlan:
    return get_object_or_404(plans_with_spend(user), pk=pk)


def spend_by_person_and_month(user: User, month: date) -> list[dict]:
    """Planned vs visited vs spent summed per salesperson for the plans starting in a month."""
    plans = plans_with_spend(user).filter(starts_on__gte=month, starts_on__lt=add_months(month, 1))
    totals: dict[int, dict] = {}
    for plan in plans:
        row = totals.setdefault(
            plan.salesperson_id,
            {
                "salesperson": plan.salesperson,
                "plans": 0,
                "planned": 0,
                "visited": 0,
                "estimated": ZERO,
                "spent": ZERO,
            },
        )
        row["plans"] += 1
        row["planned"] += plan.planned
        row["visited"] += plan.visited
        row["estimated"] += plan.estimated_total
        row["spent"] += plan.spent
    return list(totals.values())
