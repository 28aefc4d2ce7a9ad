"""Setting monthly quotas (rules.md §7.3): the sales director's half-year grid, spreading a total,
dealers' monthly targets and region totals. A closed month (before the current one) is never
changed: its scores are history."""

from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Channel, Customer
from sales.models import DealerTarget, Quota, RegionQuota
from sales.signals import months_changed
from salesops import access, audit
from salesops.errors import DomainError
from salesops.models import User
from salesops.months import current_month
from territories.models import Region
from territories.selectors import sellers_in

CENT = Decimal("0.01")


def can_set_quotas(user: User, region: Region) -> bool:
    return access.is_director_of(user, region)  # rules.md §7.3: the director sets quotas


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
    *,
    by: User,
    region: Region,
    cells: dict[tuple[int, date, str], Decimal],
    dealer_targets: dict[tuple[int, date], Decimal] | None = None,
    region_totals: dict[date, Decimal] | None = None,
) -> int:
    """Write a grid: quotas keyed by (salesperson id, month, channel), dealers' monthly targets
    keyed by (dealer id, month) and the region's monthly totals. Returns cells saved."""
    dealer_targets, region_totals = dealer_targets or {}, region_totals or {}
    months = {month for _person, month, _channel in cells}
    months |= {month for _dealer, month in dealer_targets} | set(region_totals)
    _check(by, region, months)
    sellers = set(sellers_in(region).values_list("pk", flat=True))
    strangers = {person for person, _month, _channel in cells} - sellers
    if strangers:
        raise DomainError(_("Quotas are set only for the region's salespeople."))
    amounts = [*cells.values(), *dealer_targets.values(), *region_totals.values()]
    if any(amount < 0 for amount in amounts):
        raise DomainError(_("A quota cannot be negative."))
    _save_dealer_targets(region, dealer_targets)
    _save_region_totals(region, region_totals)
    Quota.objects.bulk_create(
        [
            Quota(salesperson_id=person, month=month, channel=channel, amount=amount)
            for (person, month, channel), amount in cells.items()
        ],
        update_conflicts=True,
        unique_fields=["salesperson", "month", "channel"],
        update_fields=["amount", "updated_at"],
    )
    changes = {f"{p}/{m:%Y-%m}/{c}": a for (p, m, c), a in cells.items()}
    changes |= {f"dealer {d}/{m:%Y-%m}": a for (d, m), a in dealer_targets.items()}
    changes |= {f"region/{m:%Y-%m}": a for m, a in region_totals.items()}
    audit.record("territories.quotas.saved", actor=by, target=region, changes=changes)
    _queue_scoring(cells)
    return len(changes)


def _save_dealer_targets(region: Region, targets: dict[tuple[int, date], Decimal]) -> None:
    dealers = set(
        Customer.objects.filter(
            pk__in={dealer for dealer, _month in targets},
            channel=Channel.DEALER,
            territory__region=region,
        ).values_list("pk", flat=True)
    )
    if {dealer for dealer, _month in targets} - dealers:
        raise DomainError(_("Targets are set only for the region's dealers."))
    DealerTarget.objects.bulk_create(
        [DealerTarget(dealer_id=d, month=m, amount=a) for (d, m), a in targets.items()],
        update_conflicts=True,
        unique_fields=["dealer", "month"],
        update_fields=["amount"],
    )


def _save_region_totals(region: Region, totals: dict[date, Decimal]) -> None:
    RegionQuota.objects.bulk_create(
        [RegionQuota(region=region, month=month, amount=a) for month, a in totals.items()],
        update_conflicts=True,
        unique_fields=["region", "month"],
        update_fields=["amount"],
    )


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


def _queue_scoring(cells) -> None:
    months = sorted({month for _person, month, _channel in cells})
    if months:
        months_changed.send(Quota, first_month=months[0], last_month=months[-1])
