"""The sales rollup (month × salesperson × territory × channel), kept set-based.

`refresh_sales_rollup` brings the cells of the given (salesperson, month) pairs up to date from
the sales; `rebuild_sales_rollup` does the same for whole months (the nightly rebuild, which
must leave the incremental state unchanged). Both write only what differs: the cells whose
figures changed or that are new (an upsert that skips equal rows), and a delete of the cells
whose sales are gone. A rebuild of an up-to-date rollup therefore writes nothing, and costs
little more than the one aggregate it is checked against (docs/performance.md, P4).
"""

from collections import defaultdict
from datetime import date
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from sales.models import Sale, SalesRollup
from salesops.cell_sync import one_of, sync_cells

CELL_COLUMNS = ["month", "salesperson_id", "territory_id", "channel"]
FIGURE_COLUMNS = ["amount", "gross_profit", "lines"]


def _pairs_q(pairs: set[tuple[int, date]]) -> Q:
    """The cells of these pairs, one condition per month naming its salespeople as one array
    (`one_of`): a condition per pair had the planner OR together an index scan per pair, a
    thousand for a day's sales at tier L (docs/performance.md, P5)."""
    people_by_month = defaultdict(set)
    for person, month in pairs:
        people_by_month[month].add(person)
    return reduce(
        or_,
        (
            Q(month=month, salesperson_id__in=one_of(sorted(people)))
            for month, people in people_by_month.items()
        ),
    )


# The figures are never NULL (sums over at least one line), so `<>` is "is distinct from".
_UPSERT = """
INSERT INTO {rollup} ({columns}) {cells}
ON CONFLICT ({cell}) DO UPDATE
SET amount = excluded.amount, gross_profit = excluded.gross_profit, lines = excluded.lines
WHERE {rollup}.amount <> excluded.amount OR {rollup}.gross_profit <> excluded.gross_profit
   OR {rollup}.lines <> excluded.lines
"""
_GONE = """
DELETE FROM {rollup} WHERE {scope} AND NOT EXISTS (
    SELECT 1 FROM {source} AS cell WHERE {same_cell}
)
"""


def _sync(scope: Q) -> int:
    """Make the scope's cells equal to one aggregate of its sales, inside the database (the
    cells never travel through Python). Returns how many cells were written or removed."""
    cells, cell_params = (
        Sale.objects.filter(scope)
        .values(*CELL_COLUMNS)
        .annotate(amount=Sum("amount"), gross_profit=Sum("gross_profit"), lines=Count("id"))
        .order_by()
        .query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        return sync_cells(
            SalesRollup,
            (cells, list(cell_params)),
            columns=CELL_COLUMNS + FIGURE_COLUMNS,
            key=CELL_COLUMNS,
            figures=FIGURE_COLUMNS,
            scope=scope,
        ).written
    rollup = SalesRollup.objects.filter(scope).query
    compiler = rollup.get_compiler(connection=connection)
    where, where_params = rollup.where.as_sql(compiler, connection)
    names = {
        "rollup": connection.ops.quote_name(SalesRollup._meta.db_table),
        "columns": ", ".join(CELL_COLUMNS + FIGURE_COLUMNS),
        "cell": ", ".join(CELL_COLUMNS),
        "scope": where,
    }
    # SQLite runs no INSERT or DELETE inside a WITH: the upsert skips the equal cells itself,
    # and the delete asks the sales themselves.
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(cells=cells, **names), cell_params)
        written = cursor.rowcount
        source = connection.ops.quote_name(Sale._meta.db_table)
        gone = _GONE.format(source=source, same_cell=_same_cell("cell", names["rollup"]), **names)
        cursor.execute(gone, where_params)
        return written + cursor.rowcount


def _same_cell(one: str, other: str) -> str:
    return " AND ".join(f"{one}.{column} = {other}.{column}" for column in CELL_COLUMNS)


@transaction.atomic
def refresh_sales_rollup(pairs: set[tuple[int, date]]) -> int:
    """Bring the rollup cells of these (salesperson id, month) pairs up to date."""
    if not pairs:
        return 0
    return _sync(_pairs_q(pairs))


@transaction.atomic
def rebuild_sales_rollup(first_month: date, last_month: date) -> int:
    """Rebuild whole months from the sales (a date range on the stored month)."""
    return _sync(Q(month__gte=first_month, month__lte=last_month))
