"""Placing a person's quota, target and travel cost on territories (rules.md §9.5, "Quotas and
travel costs by place").

Quotas and travel costs are kept per person and month (rules.md §7.3, §7.11); a province or a
city has them only as the parts of its people's figures placed on it:

- the quota and the carry-over (hence the target) are split evenly over the territories the
  person held at any time in the month (or, holding none, those of their nearest assignment in
  time), and each channel's quota likewise;
- the approved travel cost is split by the person's on-site visits per territory that month
  (where the travel happened), or evenly over the held territories when there was none.

Every split is done in whole cents: each part gets the floor of its share and the cents left
over go one each to the parts with the largest remainders, ties (and the even split) in the
order of the territories' division codes, so the parts always add up exactly to the whole.
A person who never held a territory and made no visit that month has nothing to place: that
part is shown on the company's page as "not placed in a territory".

The functions read aggregates only (one grouped query per source) and return unsaved cells;
`rollups.building` writes them with the other tables.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, DateField
from django.db.models.functions import Trunc

from rollups.models import ChannelQuotaShare, ScoreShare
from sales.models import Attainment, Quota
from salesops.months import add_months, local_midnight, month_start
from territories.models import Assignment, Territory
from visits.models import Visit

CENTS = Decimal(100)


def split_evenly(total: Decimal, keys: list) -> dict:
    """`total` in equal parts to the cent; the leftover cents go to the first keys."""
    if not keys:
        return {}
    base, left = divmod(_in_cents(total), len(keys))
    return {key: _money(base + (1 if index < left else 0)) for index, key in enumerate(keys)}


def split_by_weight(total: Decimal, weights: dict) -> dict:
    """`total` in proportion to the (positive, whole) weights, to the cent: each part the floor
    of its share, the leftover cents to the largest remainders (ties: the keys' order)."""
    cents, whole = _in_cents(total), sum(weights.values())
    floors = {key: cents * weight // whole for key, weight in weights.items()}
    remainders = {key: cents * weight % whole for key, weight in weights.items()}
    left = cents - sum(floors.values())
    ranked = sorted(weights, key=lambda key: -remainders[key])  # stable: ties keep key order
    for key in ranked[:left]:
        floors[key] += 1
    return {key: _money(value) for key, value in floors.items()}


def _in_cents(amount: Decimal) -> int:
    return int((Decimal(amount) * CENTS).to_integral_value())


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / CENTS).quantize(Decimal("0.01"))


def territory_order() -> dict[int, str]:
    """The fixed order of every split: the territories' paths of division codes."""
    return dict(Territory.objects.values_list("id", "path"))


def assignment_history(**only) -> dict[int, list[tuple[date, date | None, int]]]:
    """salesperson → (first month, last month or None while held, territory) of each of their
    assignments: the whole history, a few rows per person (one query)."""
    history = defaultdict(list)
    rows = Assignment.objects.filter(**only).values_list(
        "salesperson_id", "started_on", "ended_on", "territory_id"
    )
    for salesperson_id, started_on, ended_on, territory_id in rows:
        until = month_start(ended_on) if ended_on else None
        history[salesperson_id].append((month_start(started_on), until, territory_id))
    return history


def territories_for(history: dict, order: dict, salesperson_id: int, month: date) -> list[int]:
    """The territories a person's figures of a month are placed on, in the fixed order: those
    held at any time in the month; when none, those of the nearest assignment in time (the first
    after the month, else the last before it), so months before the history was kept, or
    between two assignments, still have a place."""
    spans = history.get(salesperson_id, [])
    held = {
        pk for since, until, pk in spans if since <= month and (until is None or until >= month)
    }
    later = [since for since, _until, _pk in spans if since > month]
    earlier = [until for _since, until, _pk in spans if until is not None and until < month]
    if not held and later:
        held = {pk for since, _until, pk in spans if since == min(later)}
    elif not held and earlier:
        held = {pk for _since, until, pk in spans if until == max(earlier)}
    return sorted(held, key=order.get)


def on_site_visits(first: date, last: date, **only) -> dict:
    """(salesperson, month) → {territory: on-site visits}, in local months (one query)."""
    rows = (
        Visit.objects.filter(
            kind=Visit.Kind.ON_SITE,
            visited_at__gte=local_midnight(first),
            visited_at__lt=local_midnight(add_months(last, 1)),
            **only,
        )
        .annotate(month=Trunc("visited_at", "month", output_field=DateField()))
        .values("salesperson_id", "month", "territory_id")
        .annotate(visits=Count("id"))
        .order_by()
    )
    visits = defaultdict(dict)
    for row in rows:
        visits[row["salesperson_id"], row["month"]][row["territory_id"]] = row["visits"]
    return visits


def score_shares(first: date, last: date, order: dict, **only) -> list[ScoreShare]:
    """Every person's score of the months first..last, placed on territories."""
    history = assignment_history(**only)
    visits = on_site_visits(first, last, **only)
    scores = Attainment.objects.filter(month__gte=first, month__lte=last, **only).values_list(
        "salesperson_id", "month", "quota", "carried_over", "travel_cost"
    )
    cells = []
    for salesperson_id, month, quota, carried_over, travel_cost in scores:
        key = (salesperson_id, month)
        held = territories_for(history, order, salesperson_id, month)
        cells += _person_shares(
            key, held, visits.get(key, {}), order, quota, carried_over, travel_cost
        )
    return cells


def _person_shares(key, held, visits, order, quota, carried_over, travel_cost) -> list:
    salesperson_id, month = key
    quotas = split_evenly(quota, held)
    carried = split_evenly(carried_over, held)
    by_visits = {pk: visits[pk] for pk in sorted(visits, key=order.get)}
    costs = split_by_weight(travel_cost, by_visits) if visits else split_evenly(travel_cost, held)
    zero = Decimal("0.00")
    return [
        ScoreShare(
            month=month,
            salesperson_id=salesperson_id,
            territory_id=territory_id,
            quota=quotas.get(territory_id, zero),
            carried_over=carried.get(territory_id, zero),
            target=quotas.get(territory_id, zero) + carried.get(territory_id, zero),
            travel_cost=costs.get(territory_id, zero),
            visits=visits.get(territory_id, 0),
            held=territory_id in quotas,
        )
        for territory_id in sorted(set(held) | set(visits), key=order.get)
    ]


def channel_quota_shares(first: date, last: date, order: dict, **only) -> list:
    """Every person's quota of each channel for the months first..last, split like the quota."""
    history = assignment_history(**only)
    quotas = Quota.objects.filter(month__gte=first, month__lte=last, **only).values_list(
        "salesperson_id", "month", "channel", "amount"
    )
    return [
        ChannelQuotaShare(
            month=month,
            salesperson_id=salesperson_id,
            territory_id=territory_id,
            channel=channel,
            quota=share,
        )
        for salesperson_id, month, channel, amount in quotas
        for territory_id, share in split_evenly(
            amount, territories_for(history, order, salesperson_id, month)
        ).items()
    ]
