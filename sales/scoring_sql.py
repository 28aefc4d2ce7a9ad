"""The scores of `sales.scoring` computed by PostgreSQL in one statement, over the same monthly
totals and with the same rules (rules.md §7.5–§7.11), into a temporary table that the job then
checks, completes with the crossing sales and upserts.

Carry-over without recursion. The unmet part of a target carries into the next month, a surplus
does not (rules.md §7.5): carried(n+1) = max(0, carried(n) + quota(n) − sales(n)), starting at 0
with the history and again in each restart month. That is the recurrence of a queue's waiting
time (Lindley's), whose closed form is a running sum less its running minimum: with owed(n) the
sum of quota − sales over the months of the stretch before n, carried(n) = owed(n) − the least
owed(k) for k up to n (owed at the stretch's first month is 0). Two windows give it for every
person and month at once, where a recursive statement steps month by month (the benchmark's
floor, docs/performance.md, P4).

A history that starts later. A re-score of some people (a day's new sales) need not read their
months back to the first on record: the stored score of the history's first month holds what
was carried into it, c. With that start, carried(n) = owed(n) − the least of −c and every
owed(k) up to n, in the stretch the history begins with; a restart month after it starts a
stretch from 0 as before.

Rounding. Percentages and travel efficiency are rounded half away from zero, as the Python
reference does (`sales.scoring._percent`), after dividing with twenty decimals.
"""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import QuerySet

COMPUTED = "attainment_computed"


class CalendarMonth(NamedTuple):
    """One month of the history, as the statement's `calendar` reads it (in this order)."""

    month: date
    period: date  # the half-year holding it
    into_period: int  # months since the half-year's first (0–5)
    restarted: bool  # carry-over starts afresh this month (rules.md §7.5)
    stretch: int  # restart months up to and including this one
    probation_percent: int
    dismissal_percent: int
    in_period: bool  # in a half-year being scored
    wanted: bool  # its scores are written (the others carry the history only)


_WITH_FITS = """
CREATE TEMP TABLE {computed} ON COMMIT DROP AS SELECT *, {fits} AS fits FROM ({scores}) AS scores
"""
_ADD_WITH_FITS = """
INSERT INTO {computed} SELECT *, {fits} AS fits FROM ({scores}) AS scores
"""

# Each month of the history, with what the settings version in force that month says, and
# whether its scores are wanted. `{calendar}` is a VALUES list; `{travel}` the union of the
# travel costs' statements (person, month, cost); `{people}` a condition on `person`. The
# parameters, in order: the calendar's, the history's first and last month twice, the travel
# statements', the people (when named), the people carrying an amount into the history's first
# month and those amounts (when any do), the time of the computation.
_SCORES_SQL = """
WITH
calendar (
    month, period, into_period, restarted, stretch,
    probation_percent, dismissal_percent, in_period, wanted
) AS (
    VALUES {calendar}
),
figures (person, month, quota, sales, gross_profit, travel_cost) AS (
    SELECT salesperson_id, month, amount, NULL::numeric, NULL::numeric, NULL::numeric
    FROM territories_quota WHERE month BETWEEN %s AND %s
    UNION ALL
    SELECT salesperson_id, month, NULL, amount, gross_profit, NULL
    FROM reports_salesrollup WHERE month BETWEEN %s AND %s
    UNION ALL
    SELECT person, month, NULL, NULL, NULL, cost FROM ({travel}) AS travel (person, month, cost)
),
totals AS (
    SELECT person, month,
           COALESCE(SUM(quota), 0.00) AS quota, COALESCE(SUM(sales), 0.00) AS sales,
           COALESCE(SUM(gross_profit), 0.00) AS gross_profit,
           COALESCE(SUM(travel_cost), 0.00) AS travel_cost
    FROM figures WHERE {people} GROUP BY person, month
),
-- Who is scored in each half-year: whoever has a quota, sales or travel in one of its months.
scored AS (
    SELECT DISTINCT totals.person, calendar.period
    FROM totals JOIN calendar ON calendar.month = totals.month
    WHERE calendar.in_period
),
grid AS (
    SELECT people.person, calendar.*,
           COALESCE(totals.quota, 0.00) AS quota, COALESCE(totals.sales, 0.00) AS sales,
           COALESCE(totals.gross_profit, 0.00) AS gross_profit,
           COALESCE(totals.travel_cost, 0.00) AS travel_cost{carried_into_history}
    FROM (SELECT DISTINCT person FROM scored) AS people
    CROSS JOIN calendar
    LEFT JOIN totals ON totals.person = people.person AND totals.month = calendar.month
{seeds}),
-- Each window runs in the person's month order, so the rows are sorted once; a running sum
-- is the default frame (a person has one row a month). `{in_stretch}` is `by_month` when no
-- month of the history restarts carry-over, which makes a level's windows one pass.
owed AS (
    SELECT *, SUM(quota - sales) OVER {in_stretch} - (quota - sales) AS owed_before,
           SUM(quota) OVER by_month AS quota_so_far, SUM(sales) OVER by_month AS sales_so_far
    FROM grid
    WINDOW by_month AS (PARTITION BY person ORDER BY month),
           in_stretch AS (PARTITION BY person, stretch ORDER BY month)
),
carried AS (
    SELECT *, owed_before - {least_owed} AS carried_over
    FROM owed
    WINDOW by_month AS (PARTITION BY person ORDER BY month),
           in_stretch AS (PARTITION BY person, stretch ORDER BY month)
),
-- The half-year's cumulative figures are the running sums less what they were before its first
-- month (rules.md §7.6; from the history's first month when the half-year began before it);
-- the months before are read back by LAG.
windows AS (
    SELECT *, quota + carried_over AS target,
           quota_so_far - COALESCE(LAG(quota_so_far, into_period + 1) OVER by_month, 0.00)
           AS cumulative_quota,
           sales_so_far - COALESCE(LAG(sales_so_far, into_period + 1) OVER by_month, 0.00)
           AS cumulative_sales,
           LAG(month) OVER by_month AS month_before,
           LAG(quota) OVER by_month AS quota_before,
           LAG(sales) OVER by_month AS sales_before,
           LAG(month, 2) OVER by_month AS first_of_three,
           LAG(quota, 2) OVER by_month AS quota_two_before,
           LAG(sales, 2) OVER by_month AS sales_two_before
    FROM carried
    WINDOW by_month AS (PARTITION BY person ORDER BY month)
),
three AS (
    SELECT *, quota_two_before + quota_before + quota AS quota_of_three,
           sales_two_before + sales_before + sales AS sales_of_three,
           LEAST(quota_two_before, quota_before, quota) AS least_quota_of_three
    FROM windows
),
-- rules.md §7.8: a new salesperson below the probation percentage over the month they started
-- and the next, each with a quota; §7.9: anyone below the dismissal percentage over any three
-- consecutive months, each with a quota. Compared exactly, not on the rounded percentage.
flagged AS (
    SELECT three.*,
           three.month = (date_trunc('month', people.started_on) + interval '1 month')::date
           AND three.month_before = date_trunc('month', people.started_on)::date
           AND LEAST(three.quota_before, three.quota) > 0
           AND (three.sales_before + three.sales) * 100
               < (three.quota_before + three.quota) * three.probation_percent
           AS probation,
           three.first_of_three IS NOT NULL AND three.least_quota_of_three > 0
           AND three.sales_of_three * 100 < three.quota_of_three * three.dismissal_percent
           AS dismissal
    FROM three JOIN salesops_user AS people ON people.id = three.person
)
SELECT flagged.person AS salesperson_id, flagged.month, flagged.period, flagged.wanted,
       home.region_id, flagged.quota, flagged.carried_over, flagged.target, flagged.sales,
       flagged.gross_profit, {percent_of_target} AS attainment,
       flagged.cumulative_quota, flagged.cumulative_sales,
       {cumulative_percent} AS cumulative_attainment,
       flagged.travel_cost,
       CASE WHEN flagged.gross_profit > 0 THEN
           ROUND(CAST(flagged.travel_cost AS NUMERIC(40, 20)) / flagged.gross_profit, 4)
       END AS travel_efficiency,
       COALESCE(flagged.probation, FALSE) AS probation_flag,
       flagged.dismissal AS dismissal_flag,
       flagged.restarted AS carry_restarted,
       jsonb_strip_nulls(jsonb_build_object(
           'probation', CASE WHEN flagged.probation THEN {probation_basis} END,
           'dismissal', CASE WHEN flagged.dismissal THEN {dismissal_basis} END
       )) AS flag_basis,
       CAST(%s AS timestamptz) AS computed_at,
       CAST(NULL AS timestamptz) AS target_met_at,
       CAST(NULL AS bigint) AS crossing_sale_id
FROM flagged
JOIN scored ON scored.person = flagged.person AND scored.period = flagged.period
LEFT JOIN (
    SELECT user_id, MIN(region_id) AS region_id FROM territories_region_members GROUP BY user_id
) AS home ON home.user_id = flagged.person
WHERE flagged.in_period
"""


def _percent(part: str, whole: str) -> str:
    """rules.md §7.6: part ÷ whole in percent to one decimal; none when there is no whole."""
    return (
        f"CASE WHEN {whole} > 0 THEN ROUND(CAST(100 * {part} AS NUMERIC(40, 20)) / {whole}, 1) END"
    )


def _basis(first_month: str, quota: str, sales: str, threshold: str) -> str:
    """The figures behind a flag, as `sales.scoring._below_over` keeps them."""
    return (
        f"jsonb_build_object('first_month', to_char({first_month}, 'YYYY-MM'), "
        "'last_month', to_char(flagged.month, 'YYYY-MM'), "
        f"'quota', CAST({quota} AS text), 'sales', CAST({sales} AS text), "
        f"'percent', CAST({_percent(sales, quota)} AS text), "
        f"'threshold', {threshold}, 'below', TRUE)"
    )


# What a history that starts later adds (the module's docstring): each person's amount carried
# into its first month, as two arrays (people, amounts), and the least owed capped at minus
# that amount in the stretch the history begins with.
_CARRIED_INTO_HISTORY = ",\n           COALESCE(seeds.carried, 0.00) AS carried_into_history"
_SEEDS = """    LEFT JOIN unnest(%s::bigint[], %s::numeric[]) AS seeds (person, carried)
        ON seeds.person = people.person
"""
_LEAST_OWED = "MIN(owed_before) OVER {in_stretch}"
_LEAST_OWED_FROM_SEEDS = (
    "LEAST(MIN(owed_before) OVER {in_stretch}, "
    "CASE WHEN stretch = 0 THEN -carried_into_history ELSE 0.00 END)"
)


def _statement(
    calendar: list[CalendarMonth],
    travel: list[QuerySet],
    people: set[int] | None,
    carried_in: dict[int, Decimal],
    now,
):
    travel_sql, travel_params = [], []
    for costs in travel:
        sql, params = costs.query.sql_with_params()
        travel_sql.append(f"SELECT * FROM ({sql}) AS costs")
        travel_params += params
    if not travel_sql:
        travel_sql = ["SELECT NULL::bigint, NULL::date, NULL::numeric WHERE FALSE"]
    in_stretch = "in_stretch" if any(row.restarted for row in calendar) else "by_month"
    least_owed = _LEAST_OWED_FROM_SEEDS if carried_in else _LEAST_OWED
    sql = _SCORES_SQL.format(
        calendar=", ".join(["(%s::date, %s::date, %s, %s, %s, %s, %s, %s, %s)"] * len(calendar)),
        in_stretch=in_stretch,
        least_owed=least_owed.format(in_stretch=in_stretch),
        carried_into_history=_CARRIED_INTO_HISTORY if carried_in else "",
        seeds=_SEEDS if carried_in else "",
        travel=" UNION ALL ".join(travel_sql),
        people="TRUE" if people is None else "person = ANY(%s)",
        percent_of_target=_percent("flagged.sales", "flagged.target"),
        cumulative_percent=_percent("flagged.cumulative_sales", "flagged.cumulative_quota"),
        probation_basis=_basis(
            "flagged.month_before",
            "(flagged.quota_before + flagged.quota)",
            "(flagged.sales_before + flagged.sales)",
            "flagged.probation_percent",
        ),
        dismissal_basis=_basis(
            "flagged.first_of_three",
            "flagged.quota_of_three",
            "flagged.sales_of_three",
            "flagged.dismissal_percent",
        ),
    )
    history = [calendar[0].month, calendar[-1].month]
    params = [value for row in calendar for value in row] + history + history + travel_params
    params += [] if people is None else [sorted(people)]
    if carried_in:
        seeded = sorted(carried_in)
        params += [seeded, [carried_in[person] for person in seeded]]
    return sql, [*params, now]


def compute(
    calendar: list[CalendarMonth],
    *,
    travel: list[QuerySet],
    people: set[int] | None,
    now,
    fits: str,
    carried_in: dict[int, Decimal] | None = None,
    add: bool = False,
) -> str:
    """Fill a temporary table with every score of the calendar's months in a scored half-year,
    with its half-year (`period`), whether it is `wanted` (the others carry the history only)
    and whether it `fits` (the condition `fits` on its figures). Returns the table's name.
    `calendar` holds the history's months in order; `carried_in` what each person carried into
    its first month, where that is not the first on record (none carried in otherwise). With
    `add`, the scores join those already in the table."""
    sql, params = _statement(calendar, travel, people, carried_in or {}, now)
    into = _ADD_WITH_FITS if add else _WITH_FITS
    with connection.cursor() as cursor:
        cursor.execute(into.format(computed=COMPUTED, scores=sql, fits=fits), params)
    return COMPUTED
