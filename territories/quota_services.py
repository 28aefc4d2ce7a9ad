"""Setting monthly quotas (SPEC §7): the sales director's half-year grid, spreading a total,
dealers' monthly targets and region totals. A closed month (before the current one) is never
changed: its scores are history."""

from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from salesops import access, audit, queue
from salesops.errors import DomainError
from salesops.models import Role, User
from salesops.months import current_month
from territories.models import DealerTarget, Quota, Region, RegionQuota
from territories.selectors import sellers_in

CENT = Decimal("0.01")


def can_set_quotas(user: User, region: Region) -> bool:
    if not access.is_active_user(user):
        return False
    return user.is_admin or (
        user.role == Role.DIRECTOR and access.managed_regions(user).filter(pk=region.pk).exists()
    )


def _check(by: User, region: Region, months: set[date]) -> None:
    if not can_set_quotas(by, region):
        raise DomainError(_("Only the sales director sets this region's quotas."))
    closed = sorted(month for month in months if month < current_month())
    if closed:
        raise DomainError(
            _("%(month)s is closed; its quotas can no longer change.")
            % {"month": closed[0].strftime("%Y-%m")},
            field="months",
        )


@transaction.atomic
def save_quota_grid(
    *, by: User, region: Region, cells: dict[tuple[int, date, str], Decimal]
) -> int:
    """Write a grid of quotas keyed by (salesperson id, month, channel). Returns cells saved."""
    _check(by, region, {month for _person, month, _channel in cells})
    sellers = set(sellers_in(region).values_list("pk", flat=True))
    strangers = {person for person, _month, _channel in cells} - sellers
    if strangers:
        raise DomainError(_("Quotas are set only for the region's salespeople."))
    if any(amount < 0 for amount in cells.values()):
        raise DomainError(_("A quota cannot be negative."))
    Quota.objects.bulk_create(
        [
            Quota(salesperson_id=person, month=month, channel=channel, amount=amount)
            for (person, month, channel), amount in cells.items()
        ],
        update_conflicts=True,
        unique_fields=["salesperson", "month", "channel"],
        update_fields=["amount", "updated_at"],
    )
    audit.record(
        "territories.quotas.saved",
        actor=by,
        target=region,
        changes={f"{p}/{m:%Y-%m}/{c}": a for (p, m, c), a in cells.items()},
    )
    _queue_scoring(cells)
    return len(cells)


def spread(total: Decimal, parts: int) -> list[Decimal]:
    """Split a total into equal cent amounts; the last part takes the remainder."""
    if parts <= 0:
        return []
    share = (total / parts).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def spread_total(
    *,
    by: User,
    region: Region,
    salesperson: User,
    channel: str,
    months: list[date],
    total: Decimal,
) -> int:
    """Spread one total evenly over the months (e.g. 1,800,000 of terminal sales over six)."""
    if total < 0:
        raise DomainError(_("A quota cannot be negative."), field="total")
    shares = spread(total, len(months))
    cells = {
        (salesperson.pk, month, channel): share for month, share in zip(months, shares, strict=True)
    }
    return save_quota_grid(by=by, region=region, cells=cells)


@transaction.atomic
def set_dealer_target(*, by: User, dealer, month: date, amount: Decimal) -> DealerTarget:
    _check(by, dealer.territory.region, {month})
    target, _created = DealerTarget.objects.update_or_create(
        dealer=dealer, month=month, defaults={"amount": amount}
    )
    audit.record(
        "territories.dealer_target.saved", actor=by, target=target, changes={"amount": amount}
    )
    return target


@transaction.atomic
def set_region_total(*, by: User, region: Region, month: date, amount: Decimal) -> RegionQuota:
    _check(by, region, {month})
    total, _created = RegionQuota.objects.update_or_create(
        region=region, month=month, defaults={"amount": amount}
    )
    audit.record(
        "territories.region_quota.saved", actor=by, target=total, changes={"amount": amount}
    )
    return total


def _queue_scoring(cells) -> None:
    from reports import tasks

    months = sorted({month for _person, month, _channel in cells})
    if months:
        queue.on_commit(
            tasks.score_months, first_month=months[0].isoformat(), last_month=months[-1].isoformat()
        )
