"""The scoring job (rules.md §7.5–§7.11): per salesperson and month the target with carry-over,
sales, gross profit, attainment, cumulative attainment, ranks, the first-to-target bonus flag, the
probation and dismissal-review flags and travel efficiency.

Inputs are read as aggregates (one GROUP BY query each) from the first month on record, because
carry-over runs from month to month without a reset (rules.md §7.5) and the probation and
dismissal windows may reach back before the half-year; the recurrence runs over those monthly
totals (a handful of rows per person, never per sale). Each month is scored with the settings
version in force on its first day (rules.md §0.3). The sale that crossed each
target is found by one window-function query; results are written by upsert keyed by
(salesperson, month), so a rerun, or a retry after a crash, leaves exactly the same rows.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Min, Sum
from django.utils import timezone

from sales.models import Attainment, Bonus, Quota, Sale, SalesRollup
from sales.signals import scores_changed, travel_costs_wanted
from salesops.models import CompanySettings, User
from salesops.months import add_months, current_month, half_year_of, month_start, months_between
from territories.models import Region

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
_SCORE_FIELDS = [
    "region",
    "quota",
    "carried_over",
    "target",
    "sales",
    "gross_profit",
    "attainment",
    "cumulative_quota",
    "cumulative_sales",
    "cumulative_attainment",
    "region_rank",
    "company_rank",
    "target_met_at",
    "bonus_flag",
    "probation_flag",
    "dismissal_flag",
    "carry_restarted",
    "flag_basis",
    "travel_cost",
    "travel_efficiency",
    "computed_at",
]


@dataclass(frozen=True)
class MonthTotals:
    quota: Decimal = ZERO
    sales: Decimal = ZERO
    gross_profit: Decimal = ZERO
    travel_cost: Decimal = ZERO


def periods_touching(first_month: date, last_month: date) -> list[date]:
    """The half-years (rules.md §7.6 assessment periods) holding any month of the range."""
    starts = {half_year_of(month) for month in months_between(first_month, last_month)}
    return sorted(starts)


def periods_to_score(first_month: date, last_month: date) -> list[date]:
    """The half-years holding the range, and every later half-year already scored: carry-over
    runs on without a reset (rules.md §7.5), so a change in June moves July's target too."""
    touched = periods_touching(first_month, last_month)
    later = (
        Attainment.objects.filter(month__gte=add_months(touched[-1], 6))
        .values_list("month", flat=True)
        .distinct()
    )
    return sorted(set(touched) | {half_year_of(month) for month in later})


def score_period(period_start: date) -> int:
    """Compute and store every score of one half-year up to the current month. Returns rows."""
    last = min(add_months(period_start, 5), current_month())
    if last < period_start:
        return 0
    months = months_between(period_start, last)
    with transaction.atomic():
        rows = _writable(_scores(months))
        _upsert(rows)
        _mark_target_crossings(rows, months)
        _rank(rows)
        _flag_first_to_target(rows)
        _upsert(rows)
        _record_bonuses(rows, months)
        # A person whose quotas and sales were all withdrawn keeps no stale score.
        Attainment.objects.filter(month__gte=months[0], month__lte=months[-1]).exclude(
            salesperson_id__in={row.salesperson_id for row in rows}
        ).delete()
        scores_changed.send(Attainment, first_month=months[0], last_month=months[-1])
    return len(rows)


# --- 1. monthly totals -----------------------------------------------------------------------


def _first_month_on_record(before: date) -> date:
    """The earliest month with a quota or a sale: where carry-over starts."""
    firsts = [
        Quota.objects.filter(month__lt=before).aggregate(first=Min("month"))["first"],
        SalesRollup.objects.filter(month__lt=before).aggregate(first=Min("month"))["first"],
    ]
    return min([month for month in firsts if month is not None], default=before)


def _totals(months: list[date]) -> dict[tuple[int, date], dict[str, Decimal]]:
    first, last = months[0], months[-1]
    totals: dict[tuple[int, date], dict[str, Decimal]] = defaultdict(dict)
    quotas = (
        Quota.objects.filter(month__gte=first, month__lte=last)
        .values("salesperson_id", "month")
        .annotate(total=Sum("amount"))
    )
    for row in quotas:
        totals[row["salesperson_id"], row["month"]]["quota"] = row["total"]
    sales = (
        SalesRollup.objects.filter(month__gte=first, month__lte=last)
        .values("salesperson_id", "month")
        .annotate(total=Sum("amount"), profit=Sum("gross_profit"))
    )
    for row in sales:
        key = (row["salesperson_id"], row["month"])
        totals[key]["sales"] = row["total"]
        totals[key]["gross_profit"] = row["profit"]
    # Travel cost comes from the expenses app above, which answers this signal.
    for _receiver, travel in travel_costs_wanted.send(None, first_month=first, last_month=last):
        for key, cost in travel.items():
            totals[key]["travel_cost"] = totals[key].get("travel_cost", ZERO) + cost
    return totals


def _home_regions(people: set[int]) -> dict[int, int]:
    rows = (
        Region.members.through.objects.filter(user_id__in=people)
        .values("user_id")
        .annotate(region_id=Min("region_id"))
    )
    return {row["user_id"]: row["region_id"] for row in rows}


# --- 2. carry-over and cumulative attainment -------------------------------------------------


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (HUNDRED * part / whole).quantize(Decimal("0.1"))


def _scores(months: list[date]) -> list[Attainment]:
    history = months_between(_first_month_on_record(months[0]), months[-1])
    totals = _totals(history)
    in_period = set(months)
    people = {person for person, month in totals if month in in_period}
    regions = _home_regions(people)
    started = dict(User.objects.filter(pk__in=people).values_list("pk", "started_on"))
    versions = CompanySettings.versions_for(history)
    now = timezone.now()
    rows = []
    for person in sorted(people):
        person_rows = _person_scores(
            person, history, totals, versions, started.get(person), regions.get(person), now
        )
        rows.extend(row for row in person_rows if row.month in in_period)
    return rows


def _person_scores(
    person, months, totals, versions, started_on, region_id, now
) -> list[Attainment]:
    rows, carried_over = [], ZERO
    cumulative_quota = cumulative_sales = ZERO
    first_months = _first_two_months(started_on)
    for month in months:
        company = versions[month]
        month_totals = MonthTotals(**totals.get((person, month), {}))
        # rules.md §7.5: no reset, except in the restart months head office names.
        restarted = month.month in (company.carry_over_restart_months or [])
        if restarted:
            carried_over = ZERO
        target = month_totals.quota + carried_over
        if month == half_year_of(month):  # rules.md §7.6: cumulative over the half-year
            cumulative_quota = cumulative_sales = ZERO
        cumulative_quota += month_totals.quota
        cumulative_sales += month_totals.sales
        probation = (
            _window(person, first_months, totals, company.probation_attainment_percent)
            if month == first_months[-1]
            else None
        )
        dismissal = _window(
            person,
            [add_months(month, -2), add_months(month, -1), month],
            totals,
            company.dismissal_attainment_percent,
        )
        basis = {}
        if probation and probation["below"]:
            basis["probation"] = probation
        if dismissal and dismissal["below"]:
            basis["dismissal"] = dismissal
        rows.append(
            Attainment(
                salesperson_id=person,
                month=month,
                region_id=region_id,
                quota=month_totals.quota,
                carried_over=carried_over,
                carry_restarted=restarted,
                target=target,
                sales=month_totals.sales,
                gross_profit=month_totals.gross_profit,
                attainment=_percent(month_totals.sales, target),
                cumulative_quota=cumulative_quota,
                cumulative_sales=cumulative_sales,
                cumulative_attainment=_percent(cumulative_sales, cumulative_quota),
                travel_cost=month_totals.travel_cost,
                travel_efficiency=_travel_efficiency(month_totals),
                # rules.md §7.8: a new salesperson below 80% over their first two months →
                # extend probation one month; §7.9: anyone below 100% over three consecutive
                # months → dismissal review. The figures behind each flag are kept with it.
                probation_flag="probation" in basis,
                dismissal_flag="dismissal" in basis,
                flag_basis=basis,
                computed_at=now,
            )
        )
        # rules.md §7.5: the unmet part of the target carries into next month; a surplus does not.
        carried_over = max(ZERO, target - month_totals.sales)
    return rows


def _first_two_months(started_on: date | None) -> list[date]:
    """rules.md §7.8: the month the person started in the job and the month after."""
    if started_on is None:
        return [date.min]
    first = month_start(started_on)
    return [first, add_months(first, 1)]


def _window(person, months, totals, percent) -> dict | None:
    """Cumulative attainment over these months, when each of them had a quota."""
    quotas = [totals.get((person, month), {}).get("quota", ZERO) for month in months]
    if len(months) < 2 or not all(quota > 0 for quota in quotas):
        return None
    quota = sum(quotas, ZERO)
    sales = sum((totals.get((person, month), {}).get("sales", ZERO) for month in months), ZERO)
    return {
        "first_month": f"{months[0]:%Y-%m}",
        "last_month": f"{months[-1]:%Y-%m}",
        "quota": str(quota),
        "sales": str(sales),
        "percent": str(_percent(sales, quota)),
        "threshold": percent,
        "below": _below(sales, quota, percent),
    }


def _below(sales: Decimal, quota: Decimal, percent: int) -> bool:
    # Compared exactly, not on the rounded percentage: 99.99% is below 100%.
    return quota > 0 and sales * HUNDRED < quota * percent


def _travel_efficiency(totals: MonthTotals) -> Decimal | None:
    """rules.md §7.11: travel cost ÷ gross profit; None means "no gross profit", not a number."""
    if totals.gross_profit <= 0:
        return None
    return (totals.travel_cost / totals.gross_profit).quantize(Decimal("0.0001"))


# --- 3. the sale that crossed each target ------------------------------------------------------

_CROSSING_SQL = """
WITH running AS (
    SELECT s.id, s.salesperson_id, s.month, s.sold_at,
           SUM(s.amount) OVER (
               PARTITION BY s.salesperson_id, s.month
               ORDER BY s.sold_at, s.id ROWS UNBOUNDED PRECEDING
           ) AS running_total
    FROM {sale} s
    WHERE s.month >= %s AND s.month <= %s
),
crossed AS (
    SELECT r.id, ROW_NUMBER() OVER (
               PARTITION BY r.salesperson_id, r.month ORDER BY r.sold_at, r.id
           ) AS position
    FROM running r
    JOIN {attainment} a ON a.salesperson_id = r.salesperson_id AND a.month = r.month
    WHERE a.target > 0 AND r.running_total >= a.target
)
SELECT id FROM crossed WHERE position = 1
"""


def _mark_target_crossings(rows: list[Attainment], months: list[date]) -> None:
    """For each met target, the moment of the sale whose running total reached it."""
    sql = _CROSSING_SQL.format(sale=Sale._meta.db_table, attainment=Attainment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [months[0], months[-1]])
        sale_ids = [row[0] for row in cursor.fetchall()]
    crossings = {
        (sale["salesperson_id"], sale["month"]): (sale["sold_at"], sale["id"])
        for sale in Sale.objects.filter(pk__in=sale_ids).values(
            "id", "salesperson_id", "month", "sold_at"
        )
    }
    for row in rows:
        crossing = crossings.get((row.salesperson_id, row.month))
        row.target_met_at = crossing[0] if crossing else None
        row.crossing_sale_id = crossing[1] if crossing else None


# --- 4. ranks and the first-to-target bonus ----------------------------------------------------


def _rank_group(group: list[Attainment], field: str) -> None:
    ordered = sorted(group, key=lambda row: row.attainment or Decimal("-1"), reverse=True)
    rank, previous = 0, None
    for position, row in enumerate(ordered, start=1):
        if row.attainment != previous:
            rank, previous = position, row.attainment
        setattr(row, field, rank if row.attainment is not None else None)


def _rank(rows: list[Attainment]) -> None:
    """rules.md §7.10: monthly ranking by attainment, in the region and company-wide."""
    by_month, by_region_month = defaultdict(list), defaultdict(list)
    for row in rows:
        by_month[row.month].append(row)
        by_region_month[row.region_id, row.month].append(row)
    for group in by_month.values():
        _rank_group(group, "company_rank")
    for group in by_region_month.values():
        _rank_group(group, "region_rank")


def _flag_first_to_target(rows: list[Attainment]) -> None:
    """rules.md §7.7: the first in a region to meet the month's target, by the sale that
    crossed it."""
    first: dict[tuple[int, date], Attainment] = {}
    for row in rows:
        row.bonus_flag = False
        if row.target_met_at is None or row.region_id is None:
            continue
        key = (row.region_id, row.month)
        best = first.get(key)
        if best is None or (row.target_met_at, row.crossing_sale_id) < (
            best.target_met_at,
            best.crossing_sale_id,
        ):
            first[key] = row
    for row in first.values():
        row.bonus_flag = True


def _record_bonuses(rows: list[Attainment], months: list[date]) -> None:
    """rules.md §7.7: the flag becomes a bonus of the amount in force that month, waiting for
    the director. One per salesperson and month: a rerun creates none a second time; a pending
    bonus whose flag went away (the sales changed) is withdrawn; a decided one stays."""
    versions = CompanySettings.versions_for(months)
    flagged = [row for row in rows if row.bonus_flag]
    Bonus.objects.bulk_create(
        [
            Bonus(
                salesperson_id=row.salesperson_id,
                month=row.month,
                region_id=row.region_id,
                amount=versions[row.month].first_to_target_bonus,
            )
            for row in flagged
        ],
        ignore_conflicts=True,
    )
    keep = {(row.salesperson_id, row.month) for row in flagged}
    pending = Bonus.objects.filter(
        month__gte=months[0], month__lte=months[-1], status=Bonus.Status.PENDING
    ).values_list("pk", "salesperson_id", "month")
    withdrawn = [pk for pk, person, month in pending if (person, month) not in keep]
    if withdrawn:
        Bonus.objects.filter(pk__in=withdrawn).delete()


# --- 5. writing ------------------------------------------------------------------------------


def _fits(row: Attainment) -> bool:
    """Every figure of the row fits its column (a month's sales could in theory sum past what
    a money column holds)."""
    return all(
        abs(value) < Decimal(10) ** (field.max_digits - field.decimal_places)
        for field in Attainment._meta.concrete_fields
        if field.get_internal_type() == "DecimalField"
        and isinstance(value := getattr(row, field.attname), Decimal)
    )


def _writable(rows: list[Attainment]) -> list[Attainment]:
    """The rows that can be stored. A row that cannot is left out, its stale score removed and
    the reason logged, so one person's impossible month never blocks everyone else's scores."""
    unfit = [row for row in rows if not _fits(row)]
    for row in unfit:
        logger.error(
            "Score of salesperson %s for %s does not fit its columns; not stored.",
            row.salesperson_id,
            f"{row.month:%Y-%m}",
        )
        Attainment.objects.filter(salesperson_id=row.salesperson_id, month=row.month).delete()
    return [row for row in rows if _fits(row)]


def _upsert(rows: list[Attainment]) -> None:
    Attainment.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["salesperson", "month"],
        update_fields=_SCORE_FIELDS,
    )
