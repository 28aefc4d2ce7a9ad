"""The sales import on PostgreSQL, set-based (rules.md §7.1).

1. The lines are read into typed values (`parse_line`) as COPY pulls them into a temporary
   staging table, a chunk at a time, with progress after each chunk.
2. Every check that needs the database — the customer (unknown, or one name for several), the
   salesperson, their region, the territory line (§2.5), the channel, then the date, and an
   order line repeated in the file — is one query over the staging table. Each bad line gets
   the message the line-by-line path (`sales.sale_lines`, kept for SQLite) gives it, in the
   same order of checks.
3. The lines are compared with what is stored under their key (new, corrected, unchanged) and
   the new and corrected ones written by one INSERT … ON CONFLICT DO UPDATE.

The staging tables live in the session (not the transaction), so the progress a job writes
between chunks is seen while it runs; they are dropped when the import ends.
"""

import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from customers.models import Channel, Customer
from sales.models import SalesImport
from sales.sale_lines import (
    CHECK_CHUNK,
    ParsedLine,
    appears_twice,
    outside_region,
    outside_territories,
    parse_line,
    several_customers_called,
    unknown_channel,
    unknown_customer,
    unknown_salesperson,
)
from sales.selectors.sales import importable_territories
from sales.services.import_listed import Changes, RefusedLines
from salesops import access
from salesops.models import User
from territories.models import Assignment, CrossTerritoryRequest, Region

STAGED = "sale_import_staged"
CHECKED = "sale_import_checked"
CHANGED = "sale_import_changed"

STAGED_COLUMNS = """
    number integer, customer_name text, customer_label text, username text, channel text,
    order_number text, line integer, amount numeric, gross_profit numeric, sold_at timestamptz,
    month date, error text, date_error text
"""
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def _copy_line(parsed: ParsedLine) -> str:
    """One staged line in COPY's text format, in the order of STAGED_COLUMNS."""
    values = (
        parsed.number,
        parsed.customer_name,
        parsed.customer_label,
        parsed.username,
        parsed.channel,
        parsed.order_number,
        parsed.line,
        parsed.amount,
        parsed.gross_profit,
        parsed.sold_at,
        parsed.month,
        parsed.error,
        parsed.date_error,
    )
    return "\t".join(map(_copy_value, values)) + "\n"


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    """A queryset as SQL to embed; an empty scope (nobody's) as a query of no rows."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        columns = ", ".join(["NULL"] * len(queryset.query.values_select))
        return f"SELECT {columns} WHERE false", ()


# The checks of `sale_lines._sale_from_line`, in its order, as one query. The scopes (which
# territories the importer brings sales in for, who sells, who holds what) come from the same
# querysets the line-by-line path uses.
CHECK = f"""
CREATE TEMP TABLE {CHECKED} AS
WITH in_scope (id, name, owner_id, channel, territory_id, region_id, path) AS ({{customers}}),
named AS (
  SELECT c.*, COUNT(*) OVER (PARTITION BY c.name) AS sharing,
         ROW_NUMBER() OVER (PARTITION BY c.name ORDER BY c.id) AS nth
  FROM in_scope c WHERE c.name IN (SELECT customer_name FROM {STAGED})
),
sellers (id, username) AS ({{sellers}}),
members (user_id, region_id) AS ({{members}}),
held (salesperson_id, path) AS ({{held}}),
approved (requester_id, customer_id) AS ({{approved}}),
resolved AS (
  SELECT s.*, c.id AS customer_id, c.sharing, c.territory_id, c.region_id, c.path,
         COALESCE(NULLIF(s.channel, ''), c.channel) AS sale_channel,
         CASE WHEN s.username = '' THEN c.owner_id ELSE p.id END AS salesperson_id
  FROM {STAGED} s
  LEFT JOIN named c ON c.name = s.customer_name AND c.nth = 1
  LEFT JOIN sellers p ON p.username = s.username
)
SELECT r.*, CASE
  WHEN r.error IS NOT NULL THEN 'error'
  WHEN r.sharing > 1 THEN 'several_customers'
  WHEN r.customer_id IS NULL THEN 'unknown_customer'
  WHEN r.salesperson_id IS NULL THEN 'unknown_salesperson'
  WHEN NOT EXISTS (SELECT 1 FROM members m
                   WHERE m.user_id = r.salesperson_id AND m.region_id = r.region_id)
    THEN 'outside_region'
  WHEN NOT EXISTS (SELECT 1 FROM held h
                   WHERE h.salesperson_id = r.salesperson_id AND starts_with(r.path, h.path))
   AND NOT EXISTS (SELECT 1 FROM approved a
                   WHERE a.requester_id = r.salesperson_id AND a.customer_id = r.customer_id)
    THEN 'outside_territories'
  WHEN r.sale_channel <> ALL (%(channels)s) THEN 'unknown_channel'
  WHEN r.date_error IS NOT NULL THEN 'date'
END AS problem
FROM resolved r
"""

# A line repeated in the file is reported on its second and later copies among the lines
# that pass every other check, as the line-by-line path does.
BAD_LINES = f"""
SELECT number, reported, error, date_error, customer_name, customer_label, username,
       sale_channel, customer_id, salesperson_id, order_number, line
FROM (
  SELECT c.*, CASE
    WHEN problem IS NULL AND ROW_NUMBER() OVER (
      PARTITION BY problem IS NULL, order_number, line ORDER BY number) > 1 THEN 'twice'
    ELSE problem END AS reported
  FROM {CHECKED} c
) lines
WHERE reported IS NOT NULL
ORDER BY number
"""

# Lines new or different from what is stored under their key, with what they replace.
COMPARE = f"""
CREATE TEMP TABLE {CHANGED} AS
SELECT c.number, c.order_number, c.line, c.sold_at, c.month, c.customer_id, c.salesperson_id,
       c.territory_id, c.sale_channel AS channel, c.amount, c.gross_profit,
       e.id IS NULL AS is_new, e.salesperson_id AS was_salesperson_id, e.month AS was_month,
       e.customer_id AS was_customer_id
FROM {CHECKED} c
LEFT JOIN customers_sale e ON e.order_number = c.order_number AND e.line = c.line
WHERE e.id IS NULL
   OR (e.sold_at, e.month, e.customer_id, e.salesperson_id, e.territory_id, e.channel,
       e.amount, e.gross_profit)
      IS DISTINCT FROM
      (c.sold_at, c.month, c.customer_id, c.salesperson_id, c.territory_id, c.sale_channel,
       c.amount, c.gross_profit)
"""

CHANGE_COUNTS = f"""
SELECT (SELECT COUNT(*) FROM {CHECKED}), COUNT(*), COUNT(*) FILTER (WHERE is_new),
       MIN(month), MAX(month)
FROM {CHANGED}
"""

ROLLUP_PAIRS = f"""
SELECT salesperson_id, month FROM {CHANGED}
UNION SELECT was_salesperson_id, was_month FROM {CHANGED} WHERE NOT is_new
"""

CHANGED_CUSTOMERS = f"""
SELECT customer_id FROM {CHANGED}
UNION SELECT was_customer_id FROM {CHANGED} WHERE NOT is_new
"""

WRITTEN_COLUMNS = [
    "order_number",
    "line",
    "sold_at",
    "month",
    "customer_id",
    "salesperson_id",
    "territory_id",
    "channel",
    "amount",
    "gross_profit",
]
UPSERT = f"""
INSERT INTO customers_sale ({", ".join(WRITTEN_COLUMNS)}, sales_import_id, updated_at)
SELECT {", ".join(WRITTEN_COLUMNS)}, %(sales_import)s, %(now)s FROM {CHANGED} ORDER BY number
ON CONFLICT (order_number, line) DO UPDATE SET
  {", ".join(f"{name} = EXCLUDED.{name}" for name in WRITTEN_COLUMNS[2:])},
  sales_import_id = EXCLUDED.sales_import_id, updated_at = EXCLUDED.updated_at
"""


def _chunks(lines: Iterable, size: int) -> Iterator[list]:
    iterator = iter(lines)
    while chunk := list(islice(iterator, size)):
        yield chunk


class StagedSales:
    """Checked lines held in the session's staging tables."""

    @classmethod
    @contextmanager
    def checked(
        cls, rows: Iterable[dict], *, by: User, progress: Callable[[int], object] | None = None
    ) -> Iterator["StagedSales"]:
        staged = cls()
        try:
            staged._stage(rows, progress)
            staged._check(by)
            yield staged
        finally:
            staged._drop()

    def _execute(self, sql: str, params=None) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def _drop(self) -> None:
        # After a failed statement inside a transaction, its rollback drops what it created.
        if not connection.needs_rollback:
            self._execute(f"DROP TABLE IF EXISTS {STAGED}, {CHECKED}, {CHANGED}")

    def _stage(self, rows: Iterable[dict], progress) -> None:
        self._drop()
        self._execute(f"CREATE TEMP TABLE {STAGED} ({STAGED_COLUMNS})")
        staged = 0
        numbered = enumerate(rows, start=2)  # the header is the file's line 1
        for chunk in _chunks(numbered, CHECK_CHUNK):
            text = "".join(_copy_line(parse_line(number, row)) for number, row in chunk)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {STAGED} FROM STDIN", io.StringIO(text))
            staged += len(chunk)
            if progress is not None:
                progress(staged)
        self._execute(f"ANALYZE {STAGED}")

    def _check(self, by: User) -> None:
        parts, params = {}, []
        for name, queryset in _scopes(by).items():
            # Unordered: the held territories are read once per line (a subquery of the
            # territory check), and their model's order sorted them on each read, a million
            # sorts for a million lines (docs/performance.md, P7).
            parts[name], scope_params = _sql(queryset.order_by())
            params.extend(scope_params)
        # The scopes' parameters are positional, in the order the scopes appear in CHECK; the
        # channel list comes last.
        statement = CHECK.format(**parts).replace("%(channels)s", "%s")
        self._execute(statement, [*params, list(Channel.values)])
        errors = self._bad_lines()
        if errors:
            raise RefusedLines(errors)

    def _bad_lines(self) -> list[tuple[int, str]]:
        with connection.cursor() as cursor:
            cursor.execute(BAD_LINES)
            names = [column[0] for column in cursor.description]
            found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        customers = Customer.objects.in_bulk({line["customer_id"] for line in found} - {None})
        people = User.objects.in_bulk({line["salesperson_id"] for line in found} - {None})
        return [(line["number"], _message(line, customers, people)) for line in found]

    def compare(self) -> Changes:
        self._execute(COMPARE)
        total, changed, created, first_month, last_month = self._execute(CHANGE_COUNTS)[0]
        return Changes(
            total=total,
            created=created,
            updated=changed - created,
            rollup_pairs=set(self._execute(ROLLUP_PAIRS)),
            customers={customer for (customer,) in self._execute(CHANGED_CUSTOMERS)},
            first_month=first_month,
            last_month=last_month,
        )

    def upsert(self, sales_import: SalesImport) -> None:
        self._execute(UPSERT, {"sales_import": sales_import.pk, "now": timezone.now()})

    def turn_prospects_into_customers(self) -> int:
        """rules.md §3.1: a prospect becomes a customer with its first sale."""
        customers = RawSQL(f"SELECT DISTINCT customer_id FROM {CHECKED}", [])
        return Customer.objects.filter(pk__in=customers, status=Customer.Status.PROSPECT).update(
            status=Customer.Status.CUSTOMER, updated_at=timezone.now()
        )


def _scopes(by: User) -> dict[str, QuerySet]:
    """What CHECK looks lines up in, from the querysets the line-by-line path uses: the
    customers of the territories `by` brings sales in for, the active sellers, region
    memberships, the territories held today and the approved cross-territory requests."""
    return {
        "customers": Customer.objects.filter(territory__in=importable_territories(by)).values_list(
            "id",
            "name",
            "owner_id",
            "channel",
            "territory_id",
            "territory__region_id",
            "territory__path",
        ),
        "sellers": User.objects.filter(access.sellers_q(), is_active=True).values_list(
            "id", "username"
        ),
        "members": Region.members.through.objects.values_list("user_id", "region_id"),
        "held": Assignment.objects.active().values_list("salesperson_id", "territory__path"),
        "approved": CrossTerritoryRequest.objects.filter(
            status=CrossTerritoryRequest.Status.APPROVED
        ).values_list("requester_id", "customer_id"),
    }


def _message(line: dict, customers: dict, people: dict) -> str:
    """A bad line's message, as `sale_lines._sale_from_line` words it."""
    problem = line["reported"]
    if problem == "error":
        return line["error"]
    if problem == "date":
        return line["date_error"]
    if problem == "several_customers":
        return several_customers_called(line["customer_name"])
    if problem == "unknown_customer":
        return unknown_customer(line["customer_label"])
    if problem == "unknown_salesperson":
        return unknown_salesperson(line["username"])
    person = people.get(line["salesperson_id"])
    if problem == "outside_region":
        return outside_region(person)
    if problem == "outside_territories":
        return outside_territories(customers[line["customer_id"]], person)
    if problem == "unknown_channel":
        return unknown_channel(line["sale_channel"])
    return appears_twice(line["order_number"], line["line"])
