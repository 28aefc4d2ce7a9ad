"""Deciding first-to-target bonuses (rules.md §7.7: the company approves the bonus; the app
pays nothing by itself).

A bonus is decided through the one approval workflow (salesops.approvals; sales.workflow
registers it): the row locked, the region's sales director only, the move logged and audited,
and "already decided" for a second decider.
"""

from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from sales.models import Bonus
from salesops import access, approvals
from salesops.models import User


def sees_bonuses(user: User) -> bool:
    """The director decides them; head office and the administrator follow them."""
    return access.sees_all_regions(user) or access.is_director(user)


def bonuses_for(user: User) -> QuerySet[Bonus]:
    """The bonuses this user may see on the bonus page and in its export, pending ones first."""
    bonuses = Bonus.objects.select_related("salesperson", "region", "decided_by")
    if access.sees_all_regions(user):
        pass
    elif sees_bonuses(user):
        bonuses = bonuses.filter(region__in=access.managed_regions(user))
    else:
        return bonuses.none()
    # Pending first, whatever the other statuses are called ("-status" put "rejected" first).
    pending_first = Case(When(status=Bonus.Status.PENDING, then=Value(0)), default=Value(1))
    return bonuses.order_by(pending_first, "-month", "region__code", "salesperson__username")


def decide_bonus(*, bonus: Bonus, by: User, decision: str, comment: str = "") -> Bonus:
    """Approve or reject a bonus through the one approval workflow (salesops.approvals): the
    row locked, only the region's sales director, "already decided" for a second decider."""
    return approvals.decide(record=bonus, by=by, decision=decision, comment=comment)


def decision_transition(bonus: Bonus, decision: str):
    return bonus.approve if decision == approvals.APPROVE else bonus.reject


def after_decision(bonus: Bonus, *, by: User, source: str, comment: str) -> None:
    bonus.decided_by = by
    bonus.decided_at = timezone.now()
    bonus.save(update_fields=["decided_by", "decided_at"])


def bonuses_waiting_for(user: User) -> QuerySet[Bonus]:
    waiting = access.waiting_for(user, first=Q(pk__in=[]), second=Q(status=Bonus.Status.PENDING))
    return Bonus.objects.filter(waiting).select_related("salesperson", "region")
