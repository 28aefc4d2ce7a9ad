"""Bringing a table of derived cells up to date with their aggregate, writing only what differs
(PostgreSQL). Used by the sales rollup and the region rollup (docs/performance.md, P4).

The cells are computed once, into a temporary table; one statement then compares them with the
stored ones in one full join (each side read, and hashed or sorted, once; the stored rows read
in place, not copied first), upserts the cells that are new or whose figures differ and deletes
the stored cells that are no longer there: an up-to-date slice costs its aggregate and the
comparison, and no write at all. At tier L the nightly comparison of the sales cells took 20 s
as a left join and an anti-join over a copy of the stored rows, 5 s as one full join.

The aggregate has a statement of its own because PostgreSQL runs no part of a statement that
writes in parallel, where `CREATE TABLE … AS` may: the sales rollup's rebuild at tier L
aggregated ten million lines on one core of two (job ÷ floor 1.90, P4).
"""

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import FullResultSet
from django.db import connection
from django.db.models import Model, Q
from django.db.models.expressions import RawSQL

CELLS_TABLE = "synced_cells"
COMPUTED_APART = "CREATE TEMP TABLE {name} ON COMMIT DROP AS {select}"
SYNC = """
WITH cells AS NOT MATERIALIZED (SELECT *, TRUE AS present FROM {cells}),
stored AS NOT MATERIALIZED (SELECT id, {columns} FROM {table} WHERE {scope}),
compared AS MATERIALIZED (
    SELECT cells.*, stored.id AS stored_id FROM cells FULL JOIN stored ON {stored_is_cell}
    WHERE cells.present IS NULL OR stored.id IS NULL OR {figures_differ}
),
written AS (
    INSERT INTO {table} ({columns}) SELECT {columns} FROM compared WHERE present
    ON CONFLICT ({key}) DO UPDATE SET {update}
    RETURNING {touched}
),
removed AS (
    DELETE FROM {table} WHERE id IN (SELECT stored_id FROM compared WHERE present IS NULL)
    RETURNING {touched}
)
SELECT (SELECT COUNT(*) FROM written) + (SELECT COUNT(*) FROM removed),
       ARRAY(SELECT {touched} FROM written UNION SELECT {touched} FROM removed)
"""


# A long list of ids as one array, joined as a set: PostgreSQL plans a join (an index lookup per
# id) where a list of literals is a filter that every row of the scope is tested against.
UNNESTED = "SELECT unnest(%s::bigint[])"


def among(column: str, ids: Collection[int] | None) -> tuple[str, list]:
    """The SQL condition "`column` is one of these ids" and its parameters (true for None)."""
    if ids is None:
        return "TRUE", []
    if connection.vendor == "postgresql":
        return f"{column} IN ({UNNESTED})", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def one_of(ids: Collection[int]) -> RawSQL | list[int]:
    """These ids, for an `__in` lookup of the ORM: on PostgreSQL one array, as in `among`."""
    if connection.vendor == "postgresql":
        return RawSQL(UNNESTED, [list(ids)])  # noqa: S611 (a constant statement)
    return list(ids)


def _where(table: type[Model], scope: Q) -> tuple[str, list]:
    stored = table.objects.filter(scope).query
    try:
        return stored.where.as_sql(stored.get_compiler(connection=connection), connection)
    except FullResultSet:  # an empty scope: the whole table
        return "TRUE", []


@dataclass(frozen=True)
class Synced:
    written: int  # rows written or removed
    touched: frozenset  # the values of the `touched` column among them


def sync_cells(
    table: type[Model],
    cells: tuple[str, list],
    *,
    columns: list[str],
    key: list[str],
    figures: list[str],
    scope: Q,
    touched: str = "id",
) -> Synced:
    """Make the table's rows within `scope` equal to `cells` (a SELECT and its parameters giving
    `columns`, unique on `key`); only `figures` are compared and updated. Returns how many rows
    were written or removed, and the values of their column `touched` (what the caller must
    bring up to date after them, e.g. their customers)."""
    sql, params = cells
    where, where_params = _where(table, scope)
    quoted = connection.ops.quote_name
    statement = SYNC.format(
        cells=CELLS_TABLE,
        table=quoted(table._meta.db_table),
        columns=", ".join(quoted(column) for column in columns),
        scope=where,
        key=", ".join(key),
        stored_is_cell=" AND ".join(f"stored.{column} = cells.{column}" for column in key),
        figures_differ=" OR ".join(
            f"stored.{column} IS DISTINCT FROM cells.{column}" for column in figures
        ),
        update=", ".join(f"{column} = excluded.{column}" for column in figures),
        touched=quoted(touched),
    )
    with connection.cursor() as cursor, computed_apart(cursor, CELLS_TABLE, sql, params):
        cursor.execute(statement, where_params)
        written, touched_values = cursor.fetchone()
    return Synced(written, frozenset(touched_values))


@contextmanager
def computed_apart(cursor, name: str, select: str, params: list) -> Iterator[str]:
    """`select` computed into the temporary table `name` for the statements inside (PostgreSQL):
    no part of a statement that writes runs in parallel, where `CREATE TABLE … AS` may. Dropped
    on leaving, not at the commit, so the transaction may compute it again; a transaction that
    fails drops it with its rollback."""
    cursor.execute(COMPUTED_APART.format(name=name, select=select), params)
    yield name
    cursor.execute(f"DROP TABLE {name}")


def replace_cells(
    table: type[Model],
    cells: tuple[str, list],
    *,
    columns: list[str],
    scope: Q,
    touched: str = "id",
) -> Synced:
    """The small database's way to the same end as `sync_cells`: delete the table's rows within
    `scope` and insert `cells` (a SELECT and its parameters giving `columns`) with one
    `INSERT … SELECT`. The values of `touched` are those of the scope's rows before and after
    (none for the default "id", which nobody asks for)."""
    stored = table.objects.filter(scope)
    tracked = touched != "id"
    before = set(stored.values_list(touched, flat=True)) if tracked else set()
    stored.delete()
    quoted = connection.ops.quote_name
    names = ", ".join(quoted(column) for column in columns)
    sql, params = cells
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quoted(table._meta.db_table)} ({names}) {sql}", params)
        written = cursor.rowcount
    after = set(stored.values_list(touched, flat=True)) if tracked else set()
    return Synced(written, frozenset(before | after))
