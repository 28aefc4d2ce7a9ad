"""Keeping each customer's twelve months (`CustomerValue`, rules.md §11) equal to the sales cells
and customer visit cells it is summed from.

The 80/20 ranks every customer of a region or of the company by its twelve months' gross
profit. Summed from the cells on each open, that is one aggregate per customer: 15–110 s at
tier L (docs/performance.md, P1). Here the sums are kept, one row per customer, by the same
jobs that write the cells: a refresh of some months' cells brings the customers whose cells
it changed up to date, and the nightly rebuild brings every customer up to date. The window
is the current month and the eleven before it, so when the month turns every row is stale:
the first refresh of the new month (at the latest the one scheduled just after midnight on
the 1st) rebuilds them all, and until then the reader treats stale rows as missing.
"""

from collections.abc import Collection
from datetime import date

from django.db import connection
from django.db.models import Q

from rollups.models import CustomerValue, CustomerVisitCell, SalesCell
from salesops.cell_sync import sync_cells
from salesops.months import add_months, current_month

COLUMNS = ["customer_id", "last_month", "gross_profit_12m", "visits_12m", "last_order_at"]
KEY = ["customer_id"]

# Profit and visits inside the window, the latest order of every month on record.
VALUES = """
SELECT part.customer_id, %s AS last_month, SUM(part.gross_profit) AS gross_profit_12m,
       SUM(part.visits) AS visits_12m, MAX(part.last_sold_at) AS last_order_at
FROM (
    SELECT customer_id,
           CASE WHEN month >= %s AND month < %s THEN gross_profit ELSE 0 END AS gross_profit,
           0 AS visits, last_sold_at
    FROM {sales_cell} WHERE {sales_customers}
    UNION ALL
    SELECT customer_id, 0, visits, NULL
    FROM {visit_cell} WHERE month >= %s AND month < %s AND {visit_customers}
) AS part
GROUP BY part.customer_id
"""


def _among(customer_ids: Collection[int] | None) -> tuple[str, list]:
    """The condition "the customer is one of these" (every customer with None)."""
    if customer_ids is None:
        return "TRUE", []
    if connection.vendor == "postgresql":
        return "customer_id = ANY(%s)", [list(customer_ids)]
    return f"customer_id IN ({', '.join(['%s'] * len(customer_ids))})", list(customer_ids)


def _values(last_month: date, customer_ids: Collection[int] | None) -> tuple[str, list]:
    first, end = add_months(last_month, -11), add_months(last_month, 1)
    among, among_params = _among(customer_ids)
    quoted = connection.ops.quote_name
    sql = VALUES.format(
        sales_cell=quoted(SalesCell._meta.db_table),
        visit_cell=quoted(CustomerVisitCell._meta.db_table),
        sales_customers=among,
        visit_customers=among,
    )
    return sql, [last_month, first, end, *among_params, first, end, *among_params]


def _write(last_month: date, customer_ids: Collection[int] | None) -> int:
    """Make the values of these customers (every customer with None) equal to their cells."""
    sql, params = _values(last_month, customer_ids)
    scope = Q() if customer_ids is None else Q(customer_id__in=customer_ids)
    if connection.vendor == "postgresql":
        figures = [column for column in COLUMNS if column not in KEY]
        synced = sync_cells(
            CustomerValue, (sql, params), columns=COLUMNS, key=KEY, figures=figures, scope=scope
        )
        return synced.written
    CustomerValue.objects.filter(scope).delete()
    quoted = connection.ops.quote_name
    insert = "INSERT INTO {table} ({columns}) {values}".format(
        table=quoted(CustomerValue._meta.db_table),
        columns=", ".join(quoted(column) for column in COLUMNS),
        values=sql,
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


def refresh_all() -> int:
    """Every customer's values for the current window. Runs inside the caller's rollup
    transaction (it holds the rollup's lock). Returns the rows written or removed."""
    return _write(current_month(), None)


def refresh(customer_ids: Collection[int]) -> int:
    """After the cells of these customers changed; every customer when the month has turned
    since the values were written."""
    month = current_month()
    if CustomerValue.objects.filter(last_month__lt=month).exists():
        return _write(month, None)
    if not customer_ids:
        return 0
    return _write(month, customer_ids)
