"""Keeping each customer's twelve months (`CustomerValue`, rules.md §11) equal to the cells they
are summed from, and each salesperson's cost per visit (`VisitorRate`) equal to their scores and
visit cells.

The 80/20 ranks every customer of a region or of the company by its twelve months' gross
profit and prices its visits. Summed from the cells on each open, that is one aggregate per
customer: 15–110 s a page at tier L (docs/performance.md, P1). Here the sums are kept, one row
per customer, by the same jobs that write the cells: a refresh of some months' cells brings up
to date the customers whose cells it changed and, when a salesperson's cost per visit changed,
the customers they visited together with three or more other salespeople (the three who visited
a customer most are named on its row and priced when read: their visits times their rates); the
nightly rebuild brings every customer up to date. The window is the current month and the
eleven before it, so when the month turns every row is stale: the first refresh of the new
month (at the latest the one scheduled just after midnight on the 1st) rebuilds them all, and
until then the reader treats stale rows as missing.
"""

from collections.abc import Collection
from datetime import date

from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from customers.models import Customer
from rollups.models import ActivityCell, CustomerValue, CustomerVisitCell, SalesCell, VisitorRate
from sales.models import Attainment
from salesops.cell_sync import among, computed_apart, one_of, replace_cells, sync_cells
from salesops.months import add_months, current_month

# What a salesperson's visit costs (rules.md §11.2): approved travel cost ÷ all their visits
# over the window; nobody without visits has a rate, and a visit without a rate costs nothing.
RATES = """
SELECT person.salesperson_id, %s AS last_month,
       ROUND(cost.total / person.visits, 6) AS cost_per_visit
FROM (
    SELECT salesperson_id, SUM(visits) AS visits FROM {activity_cell}
    WHERE month >= %s AND month < %s AND {people}
    GROUP BY salesperson_id HAVING SUM(visits) > 0
) AS person
JOIN (
    SELECT salesperson_id, SUM(travel_cost) AS total FROM {attainment}
    WHERE month >= %s AND month < %s AND {people} GROUP BY salesperson_id
) AS cost ON cost.salesperson_id = person.salesperson_id
"""
RATE_COLUMNS = ["salesperson_id", "last_month", "cost_per_visit"]

# Profit and visits inside the window, the latest order, the three salespeople who visited most
# with their visits (most visits first, then the lower id), and the cost of the others' visits
# (`other_visit_cost_12m`): the named visitors' visits are priced when read
# (rollups.models.visit_cost).
#
# A cell's latest order falls in its own month, so a customer's latest order is in its cells
# from the window's first month on whenever it has any; only a customer with none (`lapsed`:
# it bought before the window and not since) has its older cells read, through the index on
# (customer, month). Reading every month's cells for the latest order read three years of them
# to sum one (a day's refresh at tier L: 181,171 cells for 6,714 customers).
#
# The visit cells are summed per customer and salesperson first, and only those sums are
# placed, a few hundred thousand rows at tier L against the window's millions of cells.
VALUES = """
SELECT part.customer_id, %s AS last_month, SUM(part.gross_profit) AS gross_profit_12m,
       SUM(part.visits) AS visits_12m, SUM(part.other_visit_cost) AS other_visit_cost_12m,
       MAX(part.last_sold_at) AS last_order_at,
       MAX(part.visitor_id) AS visitor_id, MAX(part.visitor_visits) AS visitor_visits,
       MAX(part.second_visitor_id) AS second_visitor_id,
       MAX(part.second_visitor_visits) AS second_visitor_visits,
       MAX(part.third_visitor_id) AS third_visitor_id,
       MAX(part.third_visitor_visits) AS third_visitor_visits
FROM (
    SELECT customer_id, CASE WHEN month < %s THEN gross_profit ELSE 0 END AS gross_profit,
           0 AS visits, 0 AS other_visit_cost, last_sold_at, NULL AS visitor_id,
           NULL AS visitor_visits, NULL AS second_visitor_id, NULL AS second_visitor_visits,
           NULL AS third_visitor_id, NULL AS third_visitor_visits
    FROM {sales_cell} WHERE month >= %s AND {sales_customers}
    UNION ALL
    SELECT lapsed.id, 0, 0, 0,
           (SELECT MAX(older.last_sold_at) FROM {sales_cell} AS older
            WHERE older.customer_id = lapsed.id AND older.month < %s),
           CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
           CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)
    FROM {customer} AS lapsed
    WHERE {lapsed_customers}
        AND EXISTS (
            SELECT 1 FROM {sales_cell} AS older
            WHERE older.customer_id = lapsed.id AND older.month < %s
        )
        AND NOT EXISTS (
            SELECT 1 FROM {sales_cell} AS newer
            WHERE newer.customer_id = lapsed.id AND newer.month >= %s
        )
    UNION ALL
    SELECT customer_id, 0, visits, CASE WHEN place > 3 THEN cost ELSE 0 END, NULL,
           CASE WHEN place = 1 THEN salesperson_id END, CASE WHEN place = 1 THEN visits END,
           CASE WHEN place = 2 THEN salesperson_id END, CASE WHEN place = 2 THEN visits END,
           CASE WHEN place = 3 THEN salesperson_id END, CASE WHEN place = 3 THEN visits END
    FROM (
        SELECT visitor.*, ROW_NUMBER() OVER (
            PARTITION BY customer_id ORDER BY visits DESC, salesperson_id
        ) AS place
        FROM (
            SELECT cell.customer_id, cell.salesperson_id, SUM(cell.visits) AS visits,
                   SUM(cell.visits * COALESCE(rate.cost_per_visit, 0)) AS cost
            FROM {visit_cell} AS cell
            LEFT JOIN {rate} AS rate ON rate.salesperson_id = cell.salesperson_id
            WHERE cell.month >= %s AND cell.month < %s AND {visit_customers}
            GROUP BY cell.customer_id, cell.salesperson_id
        ) AS visitor
    ) AS placed
) AS part
GROUP BY part.customer_id
"""
# A changed rate re-prices the customers with visitors beyond their three named ones: those
# others' cost only (their profit, latest order and named visitors did not move), summed again
# from their visit cells, each cell's visits times its salesperson's rate, exact in decimals.
# A row written before the visitors were named (migration 0020) names none, and all its
# visits are the others'.
PRICED = """
SELECT cell.customer_id, SUM(cell.visits * COALESCE(rate.cost_per_visit, 0)) AS cost
FROM {visit_cell} AS cell
JOIN {value} AS kept ON kept.customer_id = cell.customer_id
LEFT JOIN {rate} AS rate ON rate.salesperson_id = cell.salesperson_id
WHERE cell.month >= %s AND cell.month < %s AND {cell_customers}
    AND cell.salesperson_id <> COALESCE(kept.visitor_id, 0)
    AND cell.salesperson_id <> COALESCE(kept.second_visitor_id, 0)
    AND cell.salesperson_id <> COALESCE(kept.third_visitor_id, 0)
GROUP BY cell.customer_id
"""
REPRICE = """
UPDATE {value} SET other_visit_cost_12m = priced.cost
FROM {priced} AS priced
WHERE {value}.customer_id = priced.customer_id AND {value}.last_month = %s
    AND {value}.other_visit_cost_12m <> priced.cost
RETURNING {value}.customer_id
"""
# On PostgreSQL the costs go into a table of their own first (`computed_apart`).
PRICED_TABLE = "repriced_values"
# Each customer keeps a copy of its value row on its own row (customers.Customer.value_month,
# …), which the 80/20's counts and the quiet customers' panel read from the customers' covering
# index instead of joining the values. A customer whose value row is gone gets none; a copy
# already equal is not written again. Every write of a value row is followed by its copy, in
# the same transaction: `_write` and `_reprice_customers`.
COPIED = """
UPDATE {customer} SET value_month = value.last_month,
    value_gross_profit = value.gross_profit_12m, value_last_order_at = value.last_order_at,
    value_visits = value.visits_12m, value_other_visit_cost = value.other_visit_cost_12m,
    value_visitor_id = value.visitor_id, value_visitor_visits = value.visitor_visits,
    value_second_visitor_id = value.second_visitor_id,
    value_second_visitor_visits = value.second_visitor_visits,
    value_third_visitor_id = value.third_visitor_id,
    value_third_visitor_visits = value.third_visitor_visits
FROM (
    SELECT customer.id, kept.last_month, kept.gross_profit_12m, kept.last_order_at,
           kept.visits_12m, kept.other_visit_cost_12m, kept.visitor_id, kept.visitor_visits,
           kept.second_visitor_id, kept.second_visitor_visits, kept.third_visitor_id,
           kept.third_visitor_visits
    FROM {customer} AS customer LEFT JOIN {value} AS kept ON kept.customer_id = customer.id
    WHERE {customers}
) AS value
WHERE {customer}.id = value.id AND (
    {customer}.value_month IS DISTINCT FROM value.last_month
    OR {customer}.value_gross_profit IS DISTINCT FROM value.gross_profit_12m
    OR {customer}.value_last_order_at IS DISTINCT FROM value.last_order_at
    OR {customer}.value_visits IS DISTINCT FROM value.visits_12m
    OR {customer}.value_other_visit_cost IS DISTINCT FROM value.other_visit_cost_12m
    OR {customer}.value_visitor_id IS DISTINCT FROM value.visitor_id
    OR {customer}.value_visitor_visits IS DISTINCT FROM value.visitor_visits
    OR {customer}.value_second_visitor_id IS DISTINCT FROM value.second_visitor_id
    OR {customer}.value_second_visitor_visits IS DISTINCT FROM value.second_visitor_visits
    OR {customer}.value_third_visitor_id IS DISTINCT FROM value.third_visitor_id
    OR {customer}.value_third_visitor_visits IS DISTINCT FROM value.third_visitor_visits
)
"""

COLUMNS = [
    "customer_id",
    "last_month",
    "gross_profit_12m",
    "visits_12m",
    "other_visit_cost_12m",
    "last_order_at",
    "visitor_id",
    "visitor_visits",
    "second_visitor_id",
    "second_visitor_visits",
    "third_visitor_id",
    "third_visitor_visits",
]


def _window(last_month: date) -> tuple[date, date]:
    """The window's first month and the month after its last."""
    return add_months(last_month, -11), add_months(last_month, 1)


def _quoted(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _tables() -> dict[str, str]:
    """The tables the statements read and write, by the names they use."""
    return {
        "sales_cell": _quoted(SalesCell),
        "visit_cell": _quoted(CustomerVisitCell),
        "rate": _quoted(VisitorRate),
        "value": _quoted(CustomerValue),
        "customer": _quoted(Customer),
    }


def _sync(table, select: tuple[str, list], columns: list[str], scope: Q, touched: str) -> set:
    """Make the table's rows within `scope` equal to `select`, keyed by its first column; the
    values of `touched` among the rows that changed. On PostgreSQL only the differing rows are
    written; SQLite (a small database) replaces the scope."""
    if connection.vendor != "postgresql":
        return set(
            replace_cells(table, select, columns=columns, scope=scope, touched=touched).touched
        )
    key, figures = columns[:1], columns[1:]
    synced = sync_cells(
        table, select, columns=columns, key=key, figures=figures, scope=scope, touched=touched
    )
    return set(synced.touched)


def _refresh_rates(last_month: date, salespeople: Collection[int] | None) -> set[int]:
    """The cost per visit of these salespeople (everyone with None); those whose rate changed."""
    first, end = _window(last_month)
    people, people_params = among("salesperson_id", salespeople)
    sql = RATES.format(
        activity_cell=_quoted(ActivityCell), attainment=_quoted(Attainment), people=people
    )
    select = (sql, [last_month, first, end, *people_params, first, end, *people_params])
    scope = Q() if salespeople is None else Q(salesperson_id__in=salespeople)
    return _sync(VisitorRate, select, RATE_COLUMNS, scope, touched="salesperson_id")


def _write(last_month: date, customer_ids: Collection[int] | None) -> int:
    """Make the values of these customers (every customer with None) equal to their cells."""
    first, end = _window(last_month)
    sales_customers, sales_params = among("customer_id", customer_ids)
    lapsed_customers, lapsed_params = among("lapsed.id", customer_ids)
    visit_customers, visit_params = among("cell.customer_id", customer_ids)
    sql = VALUES.format(
        **_tables(),
        sales_customers=sales_customers,
        lapsed_customers=lapsed_customers,
        visit_customers=visit_customers,
    )
    params = [last_month, end, first, *sales_params, first, *lapsed_params, first, first]
    params += [first, end, *visit_params]
    scope = Q() if customer_ids is None else Q(customer_id__in=customer_ids)
    touched = _sync(CustomerValue, (sql, params), COLUMNS, scope, touched="customer_id")
    if touched:
        _copy_to_customers(None if customer_ids is None else touched)
    return len(touched)


def _copy_to_customers(customer_ids: Collection[int] | None) -> None:
    """Each of these customers' copy of its value (COPIED), every customer's with None."""
    customers, params = among("customer.id", customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(COPIED.format(**_tables(), customers=customers), params)


# When more than this share of the salespeople with a rate changed theirs (a day's visits touch
# nearly everyone), the customers to re-price are every customer with several visitors: looking
# up which of them these salespeople visited would read most of the window's visit cells.
WHOLE_PASS_SHARE = 0.2


def _reprice(salespeople: set[int], last_month: date) -> int:
    """The others' visit cost of the customers with visitors beyond their three named ones,
    one of them among these salespeople, in the window; how many changed. The named visitors'
    visits are priced when read: a customer visited by three salespeople or fewer has nothing
    to re-price."""
    others = CustomerValue.objects.filter(last_month=last_month).filter(_other_visitors())
    everyone = VisitorRate.objects.filter(last_month=last_month).count()
    if len(salespeople) <= everyone * WHOLE_PASS_SHARE:
        first, end = _window(last_month)
        visited = CustomerVisitCell.objects.filter(
            salesperson_id__in=one_of(salespeople), month__gte=first, month__lt=end
        )
        others = others.filter(customer_id__in=visited.values("customer_id"))
    customers = list(others.values_list("customer_id", flat=True))
    return _reprice_customers(customers, last_month) if customers else 0


def _other_visitors() -> Q:
    """A value with visits beyond its named visitors' (all of them in a row written before
    the visitors were named, which names none)."""
    named = Coalesce(F("visitor_visits"), 0) + Coalesce(F("second_visitor_visits"), 0)
    named += Coalesce(F("third_visitor_visits"), 0)
    return Q(visits_12m__gt=named)


def _reprice_customers(customers: Collection[int], last_month: date) -> int:
    """The others' visit cost of these customers; how many changed."""
    first, end = _window(last_month)
    cell_customers, cell_params = among("cell.customer_id", customers)
    priced = PRICED.format(**_tables(), cell_customers=cell_customers)
    priced_params = [first, end, *cell_params]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            reprice = REPRICE.format(**_tables(), priced=f"({priced})")
            cursor.execute(reprice, [*priced_params, last_month])
            repriced = [customer for (customer,) in cursor.fetchall()]
        else:
            with computed_apart(cursor, PRICED_TABLE, priced, priced_params):
                cursor.execute(REPRICE.format(**_tables(), priced=PRICED_TABLE), [last_month])
                repriced = [customer for (customer,) in cursor.fetchall()]
    # Only the re-priced ones' copies can differ: a whole pass offers every customer with
    # other visitors, and re-prices those whose others' rates moved.
    if repriced:
        _copy_to_customers(repriced)
    return len(repriced)


def refresh_all() -> int:
    """Every salesperson's rate and every customer's values for the current window. Runs inside
    the caller's rollup transaction (it holds the rollup's lock). Returns the customers whose
    values changed."""
    month = current_month()
    _refresh_rates(month, None)
    return _write(month, None)


def refresh(customer_ids: Collection[int] = (), *, rates_of: Collection[int] | None = ()) -> int:
    """After the cells of these customers changed, or the visits or travel costs behind the
    rates of `rates_of` (every salesperson with None): those rates, and the values of these
    customers and of every customer a salesperson whose rate changed visited. Every customer
    when the month has turned since they were written. Returns the customers whose values
    changed."""
    month = current_month()
    if CustomerValue.objects.filter(last_month__lt=month).exists():
        return refresh_all()
    repriced = set()
    if rates_of is None or rates_of:
        repriced = _refresh_rates(month, rates_of)
    written = _write(month, customer_ids) if customer_ids else 0
    return written + (_reprice(repriced, month) if repriced else 0)
