"""Deciding first-to-target bonuses (rules.md §7.7: the company approves the bonus; the app
pays nothing by itself).

`decide_bonus` has the shape of the shared approval workflow's deciders (lock, check the
decider, move the state, log the move, audit; a second decider hears "already decided"), so it
can be registered there as it is.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.models import Bonus, BonusTransition
from salesops import access, audit
from salesops.errors import AlreadyDecided, DomainError
from salesops.models import User
from territories.models import Region

APPROVE, REJECT = "approve", "reject"
DECISIONS = (APPROVE, REJECT)


def is_sales_director_of(user: User, region: Region) -> bool:
    """The region's sales director, who approves its bonuses."""
    return access.is_director(user) and access.managed_regions(user).filter(pk=region.pk).exists()


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
    return bonuses.order_by("-status", "-month", "region__code", "salesperson__username")


@transaction.atomic
def decide_bonus(*, bonus: Bonus, by: User, decision: str, comment: str = "") -> Bonus:
    """1. lock the bonus; 2. only the region's sales director decides; 3. a bonus is decided
    once: the second decider is told it is already decided; 4. move, log the move, audit."""
    if decision not in DECISIONS:
        raise DomainError(_("Choose to approve or to reject."), field="decision")
    bonus = Bonus.objects.select_for_update(of=("self",)).select_related("region").get(pk=bonus.pk)
    if not is_sales_director_of(by, bonus.region):
        raise DomainError(_("Only the region's sales director decides its bonuses."))
    if bonus.status != Bonus.Status.PENDING:
        raise AlreadyDecided(_("This bonus has already been decided."))
    source = bonus.status
    (bonus.approve if decision == APPROVE else bonus.reject)()
    bonus.decided_by = by
    bonus.decided_at = timezone.now()
    bonus.save(update_fields=["status", "decided_by", "decided_at"])
    BonusTransition.objects.create(
        bonus=bonus, source=source, target=bonus.status, by=by, comment=comment
    )
    audit.record(
        f"sales.bonus.{bonus.status}",
        actor=by,
        target=bonus,
        changes={"from": source, "to": bonus.status, "amount": bonus.amount, "comment": comment},
    )
    return bonus
