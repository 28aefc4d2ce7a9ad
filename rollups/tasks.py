"""Celery entry points of the region rollup: thin, keyed by months, idempotent."""

from celery import shared_task

from rollups import building, mailing
from salesops.months import add_months, current_month, parse_month


@shared_task(acks_late=True)
def refresh_sales(
    *, first_month: str, last_month: str, customer_ids: list[int] | None = None
) -> int:
    """The incremental refresh after sale lines of these months changed (of these customers,
    when named)."""
    return building.refresh_sales(parse_month(first_month), parse_month(last_month), customer_ids)


@shared_task(acks_late=True)
def refresh_visits(*, month: str, salesperson_id: int | None = None) -> int:
    """The month's visit cells. `salesperson_id` is what jobs queued before the month was
    refreshed whole still carry; the month's refresh covers that person too."""
    return building.refresh_visits(parse_month(month))


@shared_task(acks_late=True)
def refresh_blank_cities_after_visits(*, month: str) -> int:
    return building.refresh_blank_cities_after_visits(parse_month(month))


@shared_task(acks_late=True)
def refresh_blank_cities(*, first_month: str, last_month: str) -> int:
    return building.refresh_blank_cities(parse_month(first_month), parse_month(last_month))


@shared_task(acks_late=True)
def refresh_sightings(*, territory_id: int, month: str) -> int:
    return building.refresh_sightings(territory_id, parse_month(month))


@shared_task(acks_late=True)
def refresh_classes(
    *,
    first_month: str,
    last_month: str,
    territory_ids: list[int] | None = None,
    owner_ids: list[int | None] | None = None,
) -> int:
    """The class counts of these months after customers changed class, owner or territory."""
    return building.refresh_classes(
        parse_month(first_month),
        parse_month(last_month),
        territory_ids=territory_ids,
        owner_ids=owner_ids,
    )


@shared_task(acks_late=True, nightly=True)
def rebuild_all() -> int:
    """Nightly: the whole rollup again from the raw records (must equal the incremental state)."""
    return building.rebuild_all()


@shared_task(acks_late=True, nightly=True)
def refresh_customer_values() -> int:
    """Just after midnight on the 1st: the 80/20's twelve months end with the new month."""
    return building.refresh_customer_values()


@shared_task(acks_late=True, nightly=True)
def close_month_and_mail(*, month: str = "") -> int:
    """On the 1st: rebuild last month, then mail its rollup to head office (once per person)."""
    closed = parse_month(month, default=add_months(current_month(), -1))
    building.refresh_months(closed, closed)
    return mailing.mail_monthly_rollup(closed)


@shared_task(acks_late=True)
def refresh_score_shares(*, first_month: str, last_month: str, salesperson_id: int = 0) -> int:
    """Quotas, targets and travel costs placed on territories again (rules.md §9.5); with no
    first month, from the first month scored."""
    first = parse_month(first_month) if first_month else building.first_scored_month()
    return building.refresh_score_shares(first, parse_month(last_month), salesperson_id or None)
