"""The month-wide part of scoring (rules.md §7.7, §7.10): the sale that took each target over,
the ranks, the first-to-target flag and the bonuses.

A person's own scores depend on their figures alone (`sales.scoring`); these depend on everyone
in the region or company that month, so they are computed set-based over the stored scores of
the months, whoever was re-scored. Each is one statement (or two for the bonuses), the same on
PostgreSQL and SQLite.
"""

from datetime import date

from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL

from sales.models import Attainment, Bonus, Sale
from salesops.models import CompanySettings

CROSSING_BATCH = 1000
STANDINGS_LOCK = "sales.standings"

# rules.md §7.7: the running total of each met target's month, in the order the sales were made,
# over the lines of those person-months only (not a window over every sale of the months).
_CROSSING_SQL = """
WITH met (salesperson_id, month, target) AS ({met}),
running AS (
    SELECT s.id, s.salesperson_id, s.month, s.sold_at, CAST(met.target AS NUMERIC) AS target,
           SUM(s.amount) OVER (
               PARTITION BY s.salesperson_id, s.month
               ORDER BY s.sold_at, s.id ROWS UNBOUNDED PRECEDING
           ) AS running_total
    FROM {sale} s
    JOIN met ON met.salesperson_id = s.salesperson_id AND met.month = s.month
),
crossed AS (
    SELECT id, salesperson_id, month, sold_at, ROW_NUMBER() OVER (
               PARTITION BY salesperson_id, month ORDER BY sold_at, id
           ) AS position
    FROM running WHERE running_total >= target
)
SELECT id FROM crossed WHERE position = 1
"""


def mark_target_crossings(rows: list) -> None:
    """For each met target, the moment (and the sale) whose running total reached it, set on
    the scores about to be written (`sales.scoring.Score`)."""
    met = [row for row in rows if row.target > 0 and row.sales >= row.target]
    # Month by month: a month's lines lie together in the table, so its person-months read the
    # same pages one after the other.
    met.sort(key=lambda row: (row.month, row.salesperson_id))
    crossings = {}
    for start in range(0, len(met), CROSSING_BATCH):
        crossings.update(_crossings(met[start : start + CROSSING_BATCH]))
    for row in rows:
        row.target_met_at, row.crossing_sale_id = crossings.get(
            (row.salesperson_id, row.month), (None, None)
        )


def _crossings(met: list) -> dict[tuple[int, date], tuple]:
    if not met:
        return {}
    values = "VALUES " + ", ".join(["(%s, %s, %s)"] * len(met))
    params = [value for row in met for value in (row.salesperson_id, row.month, row.target)]
    sql = _CROSSING_SQL.format(met=values, sale=Sale._meta.db_table)
    # The crossing sales are read by the statement itself, one query per batch.
    crossing = Sale.objects.filter(pk__in=RawSQL(sql, params))  # noqa: S611
    return {
        (person, month): (sold_at, sale)
        for sale, person, month, sold_at in crossing.values_list(
            "id", "salesperson_id", "month", "sold_at"
        )
    }


# The same crossing for each met score of a table, on PostgreSQL read from the end of each
# person-month's lines. Counting back from the month's last sale, the crossing is the first
# line at which the lines counted so far (itself included) come to more than the month's
# surplus over its target: the lines before it fall short of the target, and with it they
# reach it (amounts are never negative, so the running total only grows). A target is mostly
# met late in its month, so counting back reads a few of its lines where counting forward read
# nearly all of them (tier L: 782 met targets, 241,619 lines sorted on disk and summed from the
# front, 462 ms; read from the end, 160 ms; docs/performance.md). The month's total is summed
# from the same lines, so a sales cell not yet refreshed cannot move the crossing.
_MARK_CROSSINGS_SQL = """
UPDATE {scored} AS scored SET target_met_at = crossing.sold_at, crossing_sale_id = crossing.id
FROM (
    SELECT met.salesperson_id, met.month, last.id, last.sold_at
    FROM {scored} AS met
    CROSS JOIN LATERAL (
        SELECT SUM(s.amount) AS total FROM {sale} s
        WHERE s.month = met.month AND s.salesperson_id = met.salesperson_id
    ) AS lines
    CROSS JOIN LATERAL (
        SELECT id, sold_at FROM (
            SELECT s.id, s.sold_at, SUM(s.amount) OVER (
                       ORDER BY s.sold_at DESC, s.id DESC ROWS UNBOUNDED PRECEDING
                   ) AS sold_from_here
            FROM {sale} s
            WHERE s.month = met.month AND s.salesperson_id = met.salesperson_id
        ) AS backwards
        WHERE sold_from_here > lines.total - met.target
        ORDER BY sold_at DESC, id DESC
        LIMIT 1
    ) AS last
    WHERE ({among}) AND met.target > 0 AND met.sales >= met.target
      AND lines.total >= met.target
) AS crossing
WHERE scored.salesperson_id = crossing.salesperson_id AND scored.month = crossing.month
"""


def mark_crossings_of(scored: str, *, among: str) -> None:
    """`mark_target_crossings` for the scores in a table (the scoring job's temporary one,
    sales.scoring) that meet the condition `among`, in one statement."""
    sql = _MARK_CROSSINGS_SQL.format(scored=scored, sale=Sale._meta.db_table, among=among)
    with connection.cursor() as cursor:
        cursor.execute(sql)


# rules.md §7.10: equal attainment shares a rank, no target no rank. §7.7: first in the region by
# the moment of the crossing sale (then the sale's number, so a tie has one winner). Only the
# rows whose standing changed are written.
_STANDINGS_SQL = """
UPDATE {attainment} SET region_rank = standing.region_rank,
       company_rank = standing.company_rank, bonus_flag = standing.bonus_flag
FROM (
    SELECT id,
        CASE WHEN attainment IS NOT NULL THEN
            RANK() OVER (PARTITION BY region_id, month ORDER BY attainment DESC NULLS LAST)
        END AS region_rank,
        CASE WHEN attainment IS NOT NULL THEN
            RANK() OVER (PARTITION BY month ORDER BY attainment DESC NULLS LAST)
        END AS company_rank,
        CASE WHEN target_met_at IS NULL OR region_id IS NULL THEN FALSE ELSE ROW_NUMBER() OVER (
            PARTITION BY region_id, month
            ORDER BY target_met_at IS NULL, target_met_at, crossing_sale_id
        ) = 1 END AS bonus_flag
    FROM {attainment} WHERE month IN ({months})
) AS standing
WHERE {attainment}.id = standing.id AND (
    COALESCE({attainment}.region_rank, 0) <> COALESCE(standing.region_rank, 0)
    OR COALESCE({attainment}.company_rank, 0) <> COALESCE(standing.company_rank, 0)
    OR {attainment}.bonus_flag <> standing.bonus_flag
)
"""


def rank_and_flag(months: list[date]) -> None:
    """Ranks in the region and the company, and the first-to-target flag, of these months."""
    table = connection.ops.quote_name(Attainment._meta.db_table)
    sql = _STANDINGS_SQL.format(attainment=table, months=", ".join(["%s"] * len(months)))
    take_turn()
    with connection.cursor() as cursor:
        cursor.execute(sql, months)


def take_turn() -> None:
    """Wait, until the transaction ends, for any other scoring to commit. Two re-scores of
    different people may start at once: the second waits for the first, so its ranks read
    both people's new rows (SQLite writes one transaction at a time). Held already, it
    returns at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [STANDINGS_LOCK])


def record_bonuses(months: list[date]) -> None:
    """rules.md §7.7: the flag becomes a bonus of the amount in force that month, waiting for
    the director. One per salesperson and month: a rerun creates none a second time; a pending
    bonus whose flag went away (the sales changed) is withdrawn; a decided one stays."""
    versions = CompanySettings.versions_for(months)
    flagged = Attainment.objects.filter(month__in=months, bonus_flag=True).values_list(
        "salesperson_id", "month", "region_id"
    )
    Bonus.objects.bulk_create(
        [
            Bonus(
                salesperson_id=person,
                month=month,
                region_id=region_id,
                amount=versions[month].first_to_target_bonus,
            )
            for person, month, region_id in flagged
        ],
        ignore_conflicts=True,
    )
    still_flagged = Attainment.objects.filter(
        salesperson_id=OuterRef("salesperson_id"), month=OuterRef("month"), bonus_flag=True
    )
    Bonus.objects.filter(month__in=months, status=Bonus.Status.PENDING).exclude(
        Exists(still_flagged)
    ).delete()
