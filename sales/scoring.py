"""The scoring job (rules.md §7.5–§7.11): per salesperson and month the target with carry-over,
sales, gross profit, attainment, cumulative attainment, ranks, the first-to-target bonus flag, the
probation and dismissal-review flags and travel efficiency.

Inputs are read as aggregates (one GROUP BY query each) from the first month on record, because
carry-over runs from month to month without a reset (rules.md §7.5) and the probation and
dismissal windows may reach back before the half-year; the recurrence runs over those monthly
totals (a handful of rows per person, never per sale), once for every half-year scored: here,
person by person, on SQLite; on PostgreSQL in closed form for everyone at once, inside one
statement that never brings a row into Python (`sales.scoring_sql`); there a re-score of some
people starts from their stored scores shortly before the half-year instead (`_parts`). Each
month is scored with the settings version in force on its first day (rules.md §0.3). A person's
rows depend on their own figures only, so one day's new sales re-score only the people they
belong to; what depends on everyone in the month (ranks, who met the target first, bonuses) is
computed set-based over the stored rows (`sales.standings`). Results are written by upsert keyed
by (salesperson, month), so a rerun, or a retry after a crash, leaves exactly the same rows; on
PostgreSQL a row whose figures did not change is not written again (it keeps its `computed_at`).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from operator import attrgetter

from django.db import connection, models, transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from sales import scoring_sql, standings
from sales.models import Attainment, Quota, SalesRollup
from sales.signals import scores_changed, travel_costs_wanted
from salesops.models import CompanySettings, User
from salesops.months import add_months, current_month, half_year_of, month_start, months_between
from territories.models import Region

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
TENTH = Decimal("0.1")
EFFICIENCY_PLACES = Decimal("0.0001")
# Written by the upsert; the ranks and the first-to-target flag depend on everyone's rows of the
# month, so `standings` writes them afterwards over the stored rows.
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
    "target_met_at",
    "crossing_sale",
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


NO_TOTALS = MonthTotals()


@dataclass(slots=True)
class Score:
    """One computed row of `Attainment`, as plain values (its attribute names are the model's
    column attributes): the rows are many, and a model instance per row cost more than the
    scoring itself."""

    salesperson_id: int
    month: date
    region_id: int | None
    quota: Decimal
    carried_over: Decimal
    target: Decimal
    sales: Decimal
    gross_profit: Decimal
    attainment: Decimal | None
    cumulative_quota: Decimal
    cumulative_sales: Decimal
    cumulative_attainment: Decimal | None
    travel_cost: Decimal
    travel_efficiency: Decimal | None
    probation_flag: bool
    dismissal_flag: bool
    carry_restarted: bool
    flag_basis: dict
    computed_at: object
    target_met_at: object = None
    crossing_sale_id: int | None = None


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
    return score_periods([period_start])


def score_periods(
    periods: list[date], *, people: set[int] | None = None, since: date | None = None
) -> int:
    """Compute and store every score of these half-years up to the current month, in one pass
    over the history. With `people`, only their rows are recomputed (their scores do not
    depend on anyone else's), and with `since` only the months from that one on (a change
    moves that month's target and, through carry-over, the later ones, never an earlier one);
    the month-wide standings of those months are then brought up to date for everyone.
    Returns the rows written.

    1. read each monthly total once, from the first month on record (carry-over has no reset);
    2. run the carry-over recurrence per person over those totals, once for all half-years
       (on PostgreSQL steps 1–4 are one statement and a few set-based ones: `_score_in_sql`);
    3. find the sale that crossed each met target (one query over those person-months' lines);
    4. upsert the rows, and remove the scores of people with nothing left in a half-year;
    5. ranks and the first-to-target flag, set-based over the months whose rows were written
       or removed (`standings`): a month whose rows are as they were keeps the standings the
       run that wrote them gave it, in the same transaction;
    6. bonuses from the flags, of the same months.
    """
    months_by_period = _months_by_period(periods)
    months = sorted(_scored_months(months_by_period))
    months = [month for month in months if since is None or month >= since]
    if not months:
        return 0
    with transaction.atomic():
        # One scoring at a time: a re-score reads the stored scores of earlier months, which
        # another may be rewriting (`_parts`).
        standings.take_turn()
        score = _score_in_sql if _set_based() else _score_in_python
        written, changed = score(months_by_period, people, since)
        if changed:
            restanded = sorted(changed)
            standings.rank_and_flag(restanded)
            standings.record_bonuses(restanded)
        months = sorted(set(months) | changed)
        scores_changed.send(Attainment, first_month=months[0], last_month=months[-1])
    return written


def _set_based() -> bool:
    """PostgreSQL computes the scores in one statement (`sales.scoring_sql`); elsewhere they are
    computed here, person by person, by the rules as written (`_person_scores`), which the
    statement is tested against."""
    return connection.vendor == "postgresql"


def _score_in_python(
    months_by_period: dict[date, list[date]], people: set[int] | None, since: date | None
) -> tuple[int, set[date]]:
    """Steps 1–4, row by row. Returns the rows written and the months whose rows were written
    or removed (every row computed is written)."""
    scores, scored = _scores(months_by_period, people, since)
    rows = _writable(scores)
    standings.mark_target_crossings(rows)
    Attainment.objects.bulk_create(
        [Attainment(**{column: getattr(row, column) for column in _COLUMNS}) for row in rows],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["salesperson", "month"],
        update_fields=_SCORE_FIELDS,
    )
    emptied = _remove_stale(scored, months_by_period, people)
    return len(rows), {row.month for row in scores} | emptied


def _score_in_sql(
    months_by_period: dict[date, list[date]], people: set[int] | None, since: date | None
) -> tuple[int, set[date]]:
    """Steps 1–4 set-based: the scores computed into a temporary table by one statement
    (`scoring_sql`), the rows that do not fit their columns left out (as `_writable` does), the
    stale scores removed, the crossing sales set, and only the new and changed rows written.
    Returns the rows written and the months whose rows were written or removed."""
    months = _scored_months(months_by_period)
    now, fits = timezone.now(), " AND ".join(_fits_sql())
    for index, (history, part_people, carried_in) in enumerate(_parts(months, people, since)):
        computed = scoring_sql.compute(
            _calendar(history, months_by_period, since),
            travel=_travel_costs(history[0], history[-1]),
            people=part_people,
            now=now,
            fits=fits,
            carried_in=carried_in,
            add=index > 0,
        )
    with connection.cursor() as cursor:
        cursor.execute(_WRITTEN_SQL.format(computed=computed))
        written, misfits = cursor.fetchone()
        left_out = [(int(person), date.fromisoformat(month)) for person, month in misfits or ()]
        for person, month in left_out:
            _leave_out(person, month)
        cursor.execute(*_stale_sql(computed, months, people))
        emptied = {month for (month,) in cursor.fetchall()}
        standings.mark_crossings_of(computed, among=WRITTEN)
        upserted = _upsert_scored(cursor, computed)
    return written, {month for _person, month in left_out} | emptied | upserted


def _parts(
    months: list[date], people: set[int] | None, since: date | None
) -> list[tuple[list[date], set[int] | None, dict[int, Decimal]]]:
    """Whose scores are computed over which history, and what each carried into its first
    month: (history, people, carried in).

    A re-score of some people from a month (a day's new sales) starts each of them two months
    before the first half-year scored (the months its flags look back on), with what their
    stored score of that month carried over, instead of at the first month on record: their
    figures before `since` have not changed, and every change re-scores from its own month. At
    tier L a day's re-score read 37 months of sales cells, quotas and travel for nearly every
    salesperson, where 8 now do (docs/performance.md, P5). Whoever has no stored score there (a
    newcomer, a gap in their history, a score left out) is scored from the first month on
    record, as the nightly run and a run of everyone always are."""
    if since is None or people is None or not people:
        return [(_history(months), people, {})]
    start = add_months(months[0], -2)
    stored = Attainment.objects.filter(month=start, salesperson_id__in=people)
    carried_in = dict(stored.values_list("salesperson_id", "carried_over"))
    unseeded = people - carried_in.keys()
    parts = []
    if carried_in:
        parts.append((months_between(start, months[-1]), set(carried_in), carried_in))
    if unseeded:
        parts.append((_history(months), unseeded, {}))
    return parts


def _stale_sql(computed: str, months: list[date], people: set[int] | None) -> tuple[str, list]:
    """`_remove_stale` against the computed scores: a stored score with none computed for its
    person and month belongs to a half-year in which the person has nothing left."""
    only_people = "" if people is None else "AND stored.salesperson_id = ANY(%s)"
    sql = _STALE_SQL.format(
        table=connection.ops.quote_name(Attainment._meta.db_table),
        computed=computed,
        only_people=only_people,
    )
    return sql, [months] + ([] if people is None else [sorted(people)])


def _calendar(
    history: list[date], months_by_period: dict[date, list[date]], since: date | None
) -> list[scoring_sql.CalendarMonth]:
    """Each month of the history with the settings in force that month (rules.md §0.3), as
    `scoring_sql.compute` reads them."""
    versions = CompanySettings.versions_for(history)
    scored_months = set(_scored_months(months_by_period))
    calendar, stretch = [], 0
    for month in history:
        restarted = month.month in (versions[month].carry_over_restart_months or [])
        stretch += restarted
        calendar.append(
            scoring_sql.CalendarMonth(
                month=month,
                period=half_year_of(month),
                into_period=(month.month - 1) % 6,
                restarted=restarted,
                stretch=stretch,
                probation_percent=versions[month].probation_attainment_percent,
                dismissal_percent=versions[month].dismissal_attainment_percent,
                in_period=month in scored_months,
                wanted=month in scored_months and (since is None or month >= since),
            )
        )
    return calendar


def _travel_costs(first: date, last: date) -> list[models.QuerySet]:
    # Travel cost comes from the expenses app above, which answers this signal.
    return [
        costs
        for _receiver, costs in travel_costs_wanted.send(None, first_month=first, last_month=last)
    ]


def _months_by_period(periods: list[date]) -> dict[date, list[date]]:
    """Each half-year's months up to the current month (a future half-year has none)."""
    found = {}
    for period in sorted(set(periods)):
        last = min(add_months(period, 5), current_month())
        if last >= period:
            found[period] = months_between(period, last)
    return found


def _remove_stale(
    scored: dict[date, set[int]], months_by_period: dict[date, list[date]], people: set[int] | None
) -> set[date]:
    """A person whose quotas and sales of a half-year were all withdrawn keeps no stale score in
    it, in any of its months. Returns the months that lost a row (their standings move)."""
    unscored = Q(pk__in=[])  # nothing, until a half-year adds its months
    for period, in_period in months_by_period.items():
        unscored |= Q(month__in=in_period) & ~Q(salesperson_id__in=scored.get(period, ()))
    stored = Attainment.objects.filter(unscored)
    if people is not None:
        stored = stored.filter(salesperson_id__in=people)
    # The database picks them out: usually none, where reading every stored row was 41,000.
    stale = dict(stored.values_list("pk", "month"))
    if stale:
        Attainment.objects.filter(pk__in=stale).delete()
    return set(stale.values())


# --- 1. monthly totals -----------------------------------------------------------------------


def _scored_months(months_by_period: dict[date, list[date]]) -> list[date]:
    return [month for period in months_by_period.values() for month in period]


def _history(months: list[date]) -> list[date]:
    """The months from the first on record to the last scored: carry-over has no reset."""
    return months_between(_first_month_on_record(months[0]), months[-1])


def _first_month_on_record(before: date) -> date:
    """The earliest month with a quota or a sale: where carry-over starts."""
    firsts = [
        Quota.objects.filter(month__lt=before).aggregate(first=Min("month"))["first"],
        SalesRollup.objects.filter(month__lt=before).aggregate(first=Min("month"))["first"],
    ]
    return min([month for month in firsts if month is not None], default=before)


def _totals(months: list[date], people: set[int] | None) -> dict[tuple[int, date], MonthTotals]:
    first, last = months[0], months[-1]
    totals: dict[tuple[int, date], dict[str, Decimal]] = defaultdict(dict)
    quotas = Quota.objects.filter(month__gte=first, month__lte=last)
    sales = SalesRollup.objects.filter(month__gte=first, month__lte=last)
    if people is not None:
        quotas = quotas.filter(salesperson_id__in=people)
        sales = sales.filter(salesperson_id__in=people)
    quotas = quotas.values("salesperson_id", "month").annotate(total=Sum("amount"))
    for person, month, quota in quotas.values_list("salesperson_id", "month", "total"):
        totals[person, month]["quota"] = quota
    sales = sales.values("salesperson_id", "month").annotate(
        total=Sum("amount"), profit=Sum("gross_profit")
    )
    for person, month, sold, profit in sales.values_list(
        "salesperson_id", "month", "total", "profit"
    ):
        figures = totals[person, month]
        figures["sales"], figures["gross_profit"] = sold, profit
    for costs in _travel_costs(first, last):
        for person, month, cost in costs:
            if people is not None and person not in people:
                continue
            totals[person, month]["travel_cost"] = (
                totals[person, month].get("travel_cost", ZERO) + cost
            )
    return {key: MonthTotals(**figures) for key, figures in totals.items()}


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
    return (HUNDRED * part / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def _scores(
    months_by_period: dict[date, list[date]], people: set[int] | None, since: date | None
) -> tuple[list[Score], dict[date, set[int]]]:
    """Every person's rows of each half-year in which they have a quota, sales or travel (from
    `since` on; the months before only carry the recurrence forward), and who those people are
    in each half-year."""
    history = _history(_scored_months(months_by_period))
    totals = _totals(history, people)
    period_of = {
        month: period for period, in_period in months_by_period.items() for month in in_period
    }
    scored: dict[date, set[int]] = defaultdict(set)
    for person, month in totals:
        if month in period_of:
            scored[period_of[month]].add(person)
    everyone = set().union(*scored.values())
    regions = _home_regions(everyone)
    started = dict(User.objects.filter(pk__in=everyone).values_list("pk", "started_on"))
    versions = CompanySettings.versions_for(history)
    now = timezone.now()
    rows = []
    for person in sorted(everyone):
        wanted = {
            month
            for period, in_period in months_by_period.items()
            if person in scored[period]
            for month in in_period
            if since is None or month >= since
        }
        rows += _person_scores(
            person, history, totals, versions, started.get(person), regions.get(person), now, wanted
        )
    return rows, scored


def _person_scores(
    person, months, totals, versions, started_on, region_id, now, wanted
) -> list[Score]:
    rows, carried_over = [], ZERO
    cumulative_quota = cumulative_sales = ZERO
    first_months = _first_two_months(started_on)
    figures = [totals.get((person, month), NO_TOTALS) for month in months]
    quotas = [figure.quota for figure in figures]
    sales = [figure.sales for figure in figures]
    for index, month in enumerate(months):
        company = versions[month]
        month_totals = figures[index]
        # rules.md §7.5: no reset, except in the restart months head office names.
        restarted = month.month in (company.carry_over_restart_months or [])
        if restarted:
            carried_over = ZERO
        target = month_totals.quota + carried_over
        if month == half_year_of(month):  # rules.md §7.6: cumulative over the half-year
            cumulative_quota = cumulative_sales = ZERO
        cumulative_quota += month_totals.quota
        cumulative_sales += month_totals.sales
        if month not in wanted:  # history only: it carries the recurrence, nobody reads its row
            carried_over = max(ZERO, target - month_totals.sales)
            continue
        # rules.md §7.8: a new salesperson below 80% over their first two months → extend
        # probation one month; §7.9: anyone below 100% over three consecutive months →
        # dismissal review. The figures behind each flag are kept with it.
        basis = {}
        if month == first_months[-1]:
            opening = [totals.get((person, first), NO_TOTALS) for first in first_months]
            if below := _below_over(
                first_months,
                [figure.quota for figure in opening],
                [figure.sales for figure in opening],
                company.probation_attainment_percent,
            ):
                basis["probation"] = below
        if index >= 2:  # the months before the history hold no quota: no window
            window = slice(index - 2, index + 1)
            if below := _below_over(
                months[window], quotas[window], sales[window], company.dismissal_attainment_percent
            ):
                basis["dismissal"] = below
        rows.append(
            Score(
                salesperson_id=person,
                month=month,
                region_id=region_id,
                quota=month_totals.quota,
                carried_over=carried_over,
                target=target,
                sales=month_totals.sales,
                gross_profit=month_totals.gross_profit,
                attainment=_percent(month_totals.sales, target),
                cumulative_quota=cumulative_quota,
                cumulative_sales=cumulative_sales,
                cumulative_attainment=_percent(cumulative_sales, cumulative_quota),
                travel_cost=month_totals.travel_cost,
                travel_efficiency=_travel_efficiency(month_totals),
                probation_flag="probation" in basis,
                dismissal_flag="dismissal" in basis,
                carry_restarted=restarted,
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


def _below_over(
    months: list[date], quotas: list[Decimal], sales: list[Decimal], percent: int
) -> dict | None:
    """The basis of a flag (rules.md §7.8, §7.9): cumulative attainment over these months, when
    each of them had a quota and it is below `percent`; else None."""
    if len(months) < 2 or not min(quotas) > 0:
        return None
    quota, sold = sum(quotas, ZERO), sum(sales, ZERO)
    if not _below(sold, quota, percent):
        return None
    return {
        "first_month": _month_label(months[0]),
        "last_month": _month_label(months[-1]),
        "quota": str(quota),
        "sales": str(sold),
        "percent": str(_percent(sold, quota)),
        "threshold": percent,
        "below": True,
    }


@cache
def _month_label(month: date) -> str:
    return f"{month:%Y-%m}"


def _below(sales: Decimal, quota: Decimal, percent: int) -> bool:
    # Compared exactly, not on the rounded percentage: 99.99% is below 100%.
    return quota > 0 and sales * HUNDRED < quota * percent


def _travel_efficiency(totals: MonthTotals) -> Decimal | None:
    """rules.md §7.11: travel cost ÷ gross profit; None means "no gross profit", not a number."""
    if totals.gross_profit <= 0:
        return None
    return (totals.travel_cost / totals.gross_profit).quantize(
        EFFICIENCY_PLACES, rounding=ROUND_HALF_UP
    )


# --- 3. writing ------------------------------------------------------------------------------

# Each row's values in this order; the names are `Attainment`'s column attributes.
_COLUMNS = [field.name for field in fields(Score)]
_KEY = ["salesperson_id", "month"]
# Compared to tell a changed row from an unchanged one: every written value but the time it
# was computed, so an unchanged row keeps its time and is not written again.
_COMPARED = [column for column in _COLUMNS if column not in (*_KEY, "computed_at")]
# The standings (`standings`) write the rest of a row after the upsert; until then a new row
# holds the model's defaults where its column takes no null.
_NEW_ROW_DEFAULTS = {
    field.column: field.get_default()
    for field in Attainment._meta.concrete_fields
    if not field.primary_key and not field.null and field.attname not in _COLUMNS
}

# The computed scores to write: wanted, and every figure fitting its column (`_writable`).
WRITTEN = "wanted AND fits"
# How many rows are written, and the wanted ones that do not fit (person, month).
_WRITTEN_SQL = """
SELECT COUNT(*) FILTER (WHERE wanted AND fits),
       ARRAY_AGG(ARRAY[salesperson_id::text, month::text]) FILTER (WHERE wanted AND NOT fits)
FROM {computed}
"""
_STALE_SQL = """
DELETE FROM {table} AS stored
WHERE stored.month = ANY(%s) {only_people} AND NOT EXISTS (
    SELECT 1 FROM {computed} AS computed
    WHERE computed.salesperson_id = stored.salesperson_id AND computed.month = stored.month
)
RETURNING stored.month
"""
# rules.md §7.5: the scores as one set, compared with the stored rows by hash join, and only the
# new rows and those whose figures differ written, in one statement (as `salesops.cell_sync`
# does for the rollups). Row triggers on the table fire for every row written, as for any
# insert.
_UPSERT_SQL = """
INSERT INTO {table} ({columns}, {defaulted})
SELECT {scored_columns}, {defaults} FROM (SELECT * FROM {scored} WHERE {written}) scored
LEFT JOIN {table} stored ON {stored_is_scored}
WHERE stored.id IS NULL OR ({stored_figures}) IS DISTINCT FROM ({scored_figures})
ON CONFLICT ({key}) DO UPDATE SET {update}
RETURNING month
"""


@cache
def _column_bounds() -> list[tuple[str, Decimal, bool]]:
    """Each decimal column, its bound (a value fits when its magnitude is below it), and
    whether the column takes no value."""
    return [
        (field.attname, Decimal(10) ** (field.max_digits - field.decimal_places), field.null)
        for field in Attainment._meta.concrete_fields
        if field.get_internal_type() == "DecimalField"
    ]


def _fits(row: Score | Attainment) -> bool:
    """Every figure of the row fits its column (a month's sales could in theory sum past what
    a money column holds)."""
    return _all_fit([row])


def _all_fit(rows: list[Score | Attainment]) -> bool:
    """Whether every figure of these rows fits its column, a column at a time."""
    for column, bound, null in _column_bounds():
        figures = list(map(attrgetter(column), rows))
        if null:
            figures = [value for value in figures if value is not None]
        if figures and not (-bound < min(figures) and max(figures) < bound):
            return False
    return True


def _writable(rows: list[Score]) -> list[Score]:
    """The rows that can be stored. A row that cannot is left out, its stale score removed and
    the reason logged, so one person's impossible month never blocks everyone else's scores."""
    if _all_fit(rows):  # the rule: checked at once, and row by row only when one does not fit
        return rows
    fit = []
    for row in rows:
        if _fits(row):
            fit.append(row)
            continue
        _leave_out(row.salesperson_id, row.month)
    return fit


def _leave_out(person: int, month: date) -> None:
    logger.error(
        "Score of salesperson %s for %s does not fit its columns; not stored.",
        person,
        f"{month:%Y-%m}",
    )
    Attainment.objects.filter(salesperson_id=person, month=month).delete()


def _fits_sql() -> list[str]:
    """`_all_fit` as conditions on a row of the computed scores (`scoring_sql.COMPUTED`)."""
    quote = connection.ops.quote_name
    return [
        f"({quote(column)} IS NULL OR ABS({quote(column)}) < {bound})"
        for column, bound, _null in _column_bounds()
    ]


def _upsert_scored(cursor, scored: str) -> set[date]:
    """The rows of the temporary table `scored` written in one statement, only the new ones
    and those whose figures differ; the table is dropped. Returns the months written."""
    quote = connection.ops.quote_name
    upsert = _UPSERT_SQL.format(
        table=quote(Attainment._meta.db_table),
        columns=", ".join(quote(column) for column in _COLUMNS),
        scored=scored,
        written=WRITTEN,
        defaulted=", ".join(quote(column) for column in _NEW_ROW_DEFAULTS),
        scored_columns=", ".join(f"scored.{quote(column)}" for column in _COLUMNS),
        defaults=", ".join(["%s"] * len(_NEW_ROW_DEFAULTS)),
        stored_is_scored=" AND ".join(
            f"stored.{quote(column)} = scored.{quote(column)}" for column in _KEY
        ),
        stored_figures=", ".join(f"stored.{quote(column)}" for column in _COMPARED),
        scored_figures=", ".join(f"scored.{quote(column)}" for column in _COMPARED),
        key=", ".join(quote(column) for column in _KEY),
        update=", ".join(
            f"{quote(column)} = excluded.{quote(column)}"
            for column in _COLUMNS
            if column not in _KEY
        ),
    )
    cursor.execute(upsert, list(_NEW_ROW_DEFAULTS.values()))
    upserted = {month for (month,) in cursor.fetchall()}
    # Dropped now, not at the commit: a second run in the same transaction creates it again.
    cursor.execute(f"DROP TABLE {scored}")
    return upserted
