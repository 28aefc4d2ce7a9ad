"""The sales rollup (month × salesperson × territory × channel), kept set-based.

`refresh_sales_rollup` recomputes the cells of the given (salesperson, month) pairs from the
sales in one aggregate query and replaces them; `rebuild_sales_rollup` does the same for whole
months (the nightly rebuild, which must leave the incremental state unchanged).
"""

from datetime import date
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from sales.models import Sale, SalesRollup


def _pairs_q(pairs: set[tuple[int, date]]) -> Q:
    return reduce(or_, (Q(salesperson_id=person, month=month) for person, month in pairs))


CELL_COLUMNS = ["month", "salesperson_id", "territory_id", "channel"]


def _replace(scope: Q) -> int:
    """Delete the scope's cells and write them again from one aggregate, inside the database
    (INSERT … SELECT): the cells never travel through Python."""
    cells = (
        Sale.objects.filter(scope)
        .values(*CELL_COLUMNS)
        .annotate(amount=Sum("amount"), gross_profit=Sum("gross_profit"), lines=Count("id"))
        .order_by()
    )
    SalesRollup.objects.filter(scope).delete()
    select, params = cells.query.sql_with_params()
    columns = ", ".join(
        connection.ops.quote_name(name)
        for name in [*CELL_COLUMNS, "amount", "gross_profit", "lines"]
    )
    table = connection.ops.quote_name(SalesRollup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
        return cursor.rowcount


@transaction.atomic
def refresh_sales_rollup(pairs: set[tuple[int, date]]) -> int:
    """Recompute the rollup cells of these (salesperson id, month) pairs."""
    if not pairs:
        return 0
    return _replace(_pairs_q(pairs))


@transaction.atomic
def rebuild_sales_rollup(first_month: date, last_month: date) -> int:
    """Rebuild whole months from the sales (a date range on the stored month)."""
    return _replace(Q(month__gte=first_month, month__lte=last_month))
