"""Filling the region rollup (rules.md §9.5): set-based, one transaction per run.

`refresh_months(first, last)` replaces the keyed slice of every rollup table for those months:
each table's cells are computed by one aggregate and written by one `INSERT … SELECT`, so they
never travel through Python (at tier L that is millions of cells, docs/performance.md, P4); the
slice is deleted and the cells inserted in the same transaction, so a reader sees the old month
or the new one, never half of each. The incremental refresh (on a signal) and the nightly full
rebuild run the same code over different slices, which is why the rebuild must leave the
incremental state unchanged.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Substr, Trunc
from django.utils import timezone

from customers.models import ClassChange, CompetitorObservation, Customer
from rollups import shares, values
from rollups.models import (
    ActivityCell,
    BlankCity,
    ChangedVisit,
    ChannelQuotaShare,
    ClassCell,
    CompetitorCell,
    CustomerVisitCell,
    Placed,
    SalesCell,
    ScoreShare,
)
from sales.models import Attainment, Sale
from salesops.cell_sync import Synced, among, one_of, replace_cells, sync_cells
from salesops.models import CompanySettings
from salesops.months import (
    add_months,
    current_month,
    local_midnight,
    month_of,
    month_start,
    months_between,
)
from territories.models import Territory
from visits.models import COMPLETE_VISIT, Visit

PROVINCE_PATH_LENGTH = len("330000/")
ROLLUP_LOCK = 9_511_001  # the advisory lock every rollup writer holds for its transaction
CITY_PATH_LENGTH = len("330000/330100/")


@dataclass(frozen=True)
class Place:
    region_id: int | None
    province_id: int
    city_id: int | None


# A territory's region (its own, or its province's), province and city (none above the city
# level), found by its path of division codes.
PLACES = """
SELECT territory.id AS territory_id,
       COALESCE(territory.region_id, province.region_id) AS region_id,
       province.id AS province_id, city.id AS city_id
FROM {territory} AS territory
JOIN {territory} AS province
    ON province.path = SUBSTR(territory.path, 1, {province_length})
LEFT JOIN {territory} AS city
    ON LENGTH(territory.path) >= {city_length}
    AND city.path = SUBSTR(territory.path, 1, {city_length})
"""


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _places_sql() -> str:
    return PLACES.format(
        territory=_quoted(Territory._meta.db_table),
        province_length=PROVINCE_PATH_LENGTH,
        city_length=CITY_PATH_LENGTH,
    )


def _places() -> dict[int, Place]:
    """Every territory's place, from one read of the (small) tree: for the score shares, which
    are split in Python."""
    with connection.cursor() as cursor:
        cursor.execute(_places_sql())
        return {pk: Place(*place) for pk, *place in cursor.fetchall()}


CELLS = "SELECT {picked} FROM {source}"


@dataclass(frozen=True)
class CellsStatement:
    """An aggregate of cells written in SQL, where the ORM cannot say it: its parameters and
    the names of the columns it gives, in order."""

    sql: str
    params: list
    columns: list[str]


def _cells_select(table, cells: QuerySet | CellsStatement) -> tuple[str, list, list[str]]:
    """The SELECT of the table's cells from their aggregate, with each placed cell's region,
    province and city joined from its territory; and the column names it gives, in order."""
    if isinstance(cells, QuerySet):
        columns = [*cells.query.values_select, *cells.query.annotation_select]
        sql, params = cells.query.sql_with_params()
    else:
        sql, params, columns = cells.sql, cells.params, cells.columns
    picked = [f"cell.{_quoted(column)}" for column in columns]
    source = f"({sql}) AS cell"
    if issubclass(table, Placed):
        columns = [*columns, "region_id", "province_id", "city_id"]
        picked += ["place.region_id", "place.province_id", "place.city_id"]
        source += f" JOIN ({_places_sql()}) AS place ON place.territory_id = cell.territory_id"
    return CELLS.format(picked=", ".join(picked), source=source), list(params), columns


# The large tables, by their key, and the columns the sync leaves alone (the new-customer mark
# has a statement of its own).
SYNCED = {
    "SalesCell": (
        ["month", "salesperson_id", "territory_id", "channel", "customer_id"],
        {"new_customer"},
    ),
    "ActivityCell": (["month", "salesperson_id", "territory_id"], set()),
    "CustomerVisitCell": (["month", "salesperson_id", "customer_id"], set()),
}


def _write(table, cells: QuerySet | CellsStatement, scope: Q) -> int:
    """Make the table's cells within `scope` equal to the aggregate: on PostgreSQL the large
    tables write only what differs; otherwise the scope is deleted and the cells inserted.
    Returns the cells written (or removed)."""
    return _sync(table, cells, scope).written


def _sync(table, cells: QuerySet | CellsStatement, scope: Q, touched: str = "id") -> Synced:
    """`_write`, also telling the values of the column `touched` among the cells it wrote or
    removed (on SQLite: among the cells of the scope before and after)."""
    sql, params, columns = _cells_select(table, cells)
    if connection.vendor != "postgresql" or table.__name__ not in SYNCED:
        return replace_cells(table, (sql, params), columns=columns, scope=scope, touched=touched)
    key, kept = SYNCED[table.__name__]
    figures = [column for column in columns if column not in key and column not in kept]
    return sync_cells(
        table,
        (sql, params),
        columns=columns,
        key=key,
        figures=figures,
        scope=scope,
        touched=touched,
    )


def _month_bounds(first: date, last: date):
    return local_midnight(month_start(first)), local_midnight(add_months(month_start(last), 1))


def _local_month(field: str) -> Trunc:
    # Trunc works in the current (company) time zone: 23:30 on the 31st local is still July.
    return Trunc(field, "month", output_field=DateField())


def _sales_cells(first: date, last: date, **only) -> QuerySet:
    return (
        Sale.objects.filter(month__gte=first, month__lte=last, **only)
        .values("month", "salesperson_id", "territory_id", "channel", "customer_id")
        .annotate(
            amount=Sum("amount"),
            gross_profit=Sum("gross_profit"),
            lines=Count("id"),
            last_sold_at=Max("sold_at"),
            new_customer=Value(False),  # marked afterwards, from the first sales
        )
        .order_by()
    )


# Visits by month × salesperson × territory, the customers visited counted once: the visits
# are counted per customer first, then the customers per cell. A COUNT(DISTINCT) in one
# aggregate needs the visits sorted, which PostgreSQL did by walking the salesperson index
# through every visit (the nightly rebuild at tier L: 20 s for this statement, 6 s this way).
ACTIVITY_CELLS = """
SELECT month, salesperson_id, territory_id, SUM(visits) AS visits,
       COUNT(*) AS customers_visited, SUM(complete_visits) AS complete_visits
FROM ({per_customer}) AS per_customer
GROUP BY month, salesperson_id, territory_id
"""
ACTIVITY_CELL_COLUMNS = [
    "month",
    "salesperson_id",
    "territory_id",
    "visits",
    "customers_visited",
    "complete_visits",
]


def _activity_cells(first: date, last: date, **only) -> CellsStatement:
    start, end = _month_bounds(first, last)
    per_customer = (
        Visit.objects.filter(visited_at__gte=start, visited_at__lt=end, **only)
        .annotate(month=_local_month("visited_at"))
        .values("month", "salesperson_id", "territory_id", "customer_id")
        .annotate(visits=Count("id"), complete_visits=Count("id", filter=COMPLETE_VISIT))
        .order_by()
    )
    sql, params = per_customer.query.sql_with_params()
    statement = ACTIVITY_CELLS.format(per_customer=sql)
    return CellsStatement(statement, list(params), ACTIVITY_CELL_COLUMNS)


def _customer_visit_cells(first: date, last: date, **only) -> QuerySet:
    start, end = _month_bounds(first, last)
    return (
        Visit.objects.filter(visited_at__gte=start, visited_at__lt=end, **only)
        .annotate(month=_local_month("visited_at"))
        .values("month", "salesperson_id", "customer_id")
        .annotate(visits=Count("id"))
        .order_by()
    )


def _competitor_cells(first: date, last: date, **only) -> QuerySet:
    return (
        CompetitorObservation.objects.filter(
            observed_on__gte=first, observed_on__lt=add_months(last, 1), **only
        )
        .annotate(month=Trunc("observed_on", "month", output_field=DateField()))
        .values("month", "territory_id", "competitor_id", "recorded_by_id")
        .annotate(sightings=Count("id"))
        .order_by()
    )


CLASS_CELL_COLUMNS = ["month", "owner_id", "territory_id", "customer_class", "customers"]
# The class each customer held at each month's end is the last change before it: the change
# whose successor (by time, then entry order) came at or after the month's end, or never.
CLASS_CELLS = """
WITH months (month, month_end) AS (VALUES {months}),
held AS (
    SELECT customer_id, to_class, changed_at,
           LEAD(changed_at) OVER (PARTITION BY customer_id ORDER BY changed_at, id) AS replaced_at
    FROM {class_change}
)
SELECT months.month, customer.owner_id, customer.territory_id, held.to_class AS customer_class,
       COUNT(*) AS customers
FROM months
JOIN held ON held.changed_at < months.month_end
    AND (held.replaced_at IS NULL OR held.replaced_at >= months.month_end)
JOIN ({customers}) AS customer ON customer.id = held.customer_id
WHERE held.to_class IS NOT NULL
GROUP BY months.month, customer.owner_id, customer.territory_id, held.to_class
"""


def _class_cells(first: date, last: date, only: Q | None = None) -> CellsStatement:
    """Customers by the class they held at each month's end, for the months first..last, in
    one statement (`only` narrows the customers to a slice of owners or territories)."""
    months, month_params = [], []
    for month in months_between(first, last):
        months.append("(%s, %s)")
        month_params += [
            connection.ops.adapt_datefield_value(month),
            connection.ops.adapt_datetimefield_value(local_midnight(add_months(month, 1))),
        ]
    customers, customer_params = (
        Customer.objects.filter(only or Q())
        .values("id", "owner_id", "territory_id")
        .query.sql_with_params()
    )
    sql = CLASS_CELLS.format(
        months=", ".join(months),
        class_change=_quoted(ClassChange._meta.db_table),
        customers=customers,
    )
    return CellsStatement(sql, [*month_params, *customer_params], CLASS_CELL_COLUMNS)


def _blank_cities(month: date) -> list[BlankCity]:
    """Cities with no customers, or no visit in the blank-area window ending with the month."""
    end = local_midnight(add_months(month, 1))
    since = end - timedelta(days=CompanySettings.in_force_on(month).blank_area_days)
    city_path = Substr("territory__path", 1, CITY_PATH_LENGTH)
    # A customer was there at the month's end if it was on record by then, or bought or was
    # visited by then (records entered later about earlier business count for their dates).
    there = (
        Q(created_at__lt=end)
        | Exists(Sale.objects.filter(customer=OuterRef("pk"), month__lte=month))
        | Exists(Visit.objects.filter(customer=OuterRef("pk"), visited_at__lt=end))
    )
    customers = dict(
        Customer.objects.filter(there, territory__level__in=["city", "county"])
        .annotate(city_path=city_path)
        .values("city_path")
        .annotate(count=Count("id"))
        .values_list("city_path", "count")
    )
    visited = dict(
        Visit.objects.filter(visited_at__gte=since, visited_at__lt=end)
        .annotate(city_path=city_path)
        .values("city_path")
        .annotate(last=Max("visited_at"))
        .values_list("city_path", "last")
    )
    cities = Territory.objects.filter(level=Territory.Level.CITY, region__isnull=False)
    provinces = dict(
        Territory.objects.filter(level=Territory.Level.PROVINCE).values_list("path", "id")
    )
    blank = []
    for pk, path, region_id in cities.values_list("id", "path", "region_id"):
        count, last = customers.get(path, 0), visited.get(path)
        if count == 0 or last is None:
            blank.append(
                BlankCity(
                    month=month,
                    city_id=pk,
                    region_id=region_id,
                    province_id=provinces[path[:PROVINCE_PATH_LENGTH]],
                    customers=count,
                    last_visit_at=last,
                )
            )
    return blank


# A customer is new in the month of its first sale on record, for the salesperson who made that
# sale (rules.md §10.2): only the cell holding the first sale itself is marked (a colleague's
# later order that month, or one in another channel, won nobody). The first sale is the
# earliest, by time then entry, of the customer's first month. Only the marks that change are
# written, of the customers `{customers}` lets through (a customer's marks depend on its own
# sales alone).
NEW_CUSTOMER_MARKS = """
WITH newcomers AS MATERIALIZED (
    SELECT customer_id, MIN(month) AS month FROM {cell} AS recent
    WHERE month >= %s AND {recent_customers} AND NOT EXISTS (
        SELECT 1 FROM {cell} AS earlier
        WHERE earlier.customer_id = recent.customer_id AND earlier.month < %s
    )
    GROUP BY customer_id
)
UPDATE {cell} SET new_customer = marked.is_first
FROM (
    SELECT cell.id, first_sale.customer_id IS NOT NULL AS is_first
    FROM {cell} AS cell
    LEFT JOIN (
        SELECT customer_id, month, salesperson_id, territory_id, channel FROM (
            SELECT sale.customer_id, sale.month, sale.salesperson_id, sale.territory_id,
                   sale.channel,
                   ROW_NUMBER() OVER (
                       PARTITION BY sale.customer_id ORDER BY sale.sold_at, sale.id
                   ) AS place_in_month
            FROM {sale} AS sale
            JOIN newcomers
                ON newcomers.customer_id = sale.customer_id AND newcomers.month = sale.month
        ) AS ranked
        WHERE place_in_month = 1
    ) AS first_sale
        ON cell.customer_id = first_sale.customer_id AND cell.month = first_sale.month
        AND cell.salesperson_id = first_sale.salesperson_id
        AND cell.territory_id = first_sale.territory_id AND cell.channel = first_sale.channel
    WHERE cell.month >= %s AND {cell_customers}
        AND (cell.new_customer OR cell.customer_id IN (SELECT customer_id FROM newcomers))
) AS marked
WHERE {cell}.id = marked.id AND {cell}.new_customer <> marked.is_first
"""


def _mark_new_customers(since: date, customer_ids: Collection[int] | None = None) -> None:
    """Mark the new customers' cells from `since` on (of these customers only, when named):
    sales changed in those months only, so a first sale before them stays where it was, and
    only a customer with no cell before them (a newcomer of those months) can have its first
    sale there. A mark found on anyone else is cleared."""
    recent_customers, recent_params = among("recent.customer_id", customer_ids)
    cell_customers, cell_params = among("cell.customer_id", customer_ids)
    sql = NEW_CUSTOMER_MARKS.format(
        cell=_quoted(SalesCell._meta.db_table),
        sale=_quoted(Sale._meta.db_table),
        recent_customers=recent_customers,
        cell_customers=cell_customers,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, *recent_params, since, since, *cell_params])


def _one_writer_at_a_time() -> None:
    """Writers replace slices (delete, then insert): two at once on PostgreSQL would both miss
    the other's uncommitted rows and collide on the keys, so the second waits for the first to
    commit (SQLite already runs one writer at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])


TABLES = (SalesCell, ActivityCell, CustomerVisitCell, CompetitorCell, ClassCell, BlankCity)


@transaction.atomic
def refresh_months(first: date, last: date) -> int:
    """Replace the rollup of the months first..last (first days of months). Returns the cells
    written. Idempotent: the same data gives the same rows however often it runs."""
    _one_writer_at_a_time()
    first, last = month_start(first), month_start(last)
    _forget_changed_visits(first, last)
    months = Q(month__gte=first, month__lte=last)
    written = _write(SalesCell, _sales_cells(first, last), months)
    written += _write(ActivityCell, _activity_cells(first, last), months)
    written += _write(CustomerVisitCell, _customer_visit_cells(first, last), months)
    written += _write(CompetitorCell, _competitor_cells(first, last), months)
    written += _write(ClassCell, _class_cells(first, last), months)
    BlankCity.objects.filter(months).delete()
    blank = [city for month in months_between(first, last) for city in _blank_cities(month)]
    written += len(BlankCity.objects.bulk_create(blank))
    _mark_new_customers(first)
    written += values.refresh_all()
    return written + _write_score_shares(first, min(last, current_month()), _places())


@transaction.atomic
def refresh_sales(first: date, last: date, customer_ids: Collection[int] | None = None) -> int:
    """After sale lines of these months changed (sales.signals.months_changed): their cells,
    the new-customer marks, and the blank areas from the first of them on. With `customer_ids`
    (the customers whose lines changed), only their cells and marks: a cell holds the lines of
    one customer, so nobody else's moved, and a day's import costs what it holds instead of
    its months' every line (docs/performance.md, P5)."""
    _one_writer_at_a_time()
    first, last = month_start(first), month_start(last)
    scope, only = Q(month__gte=first, month__lte=last), {}
    if customer_ids is not None:
        only = {"customer_id__in": one_of(customer_ids)}
        scope &= Q(**only)
    cells = _sales_cells(first, last, **only)
    synced = _sync(SalesCell, cells, scope, touched="customer_id")
    _mark_new_customers(first, customer_ids)
    written = synced.written + values.refresh(synced.touched)
    if customer_ids is not None and not _recorded_after(customer_ids, first):
        return written
    # A first sale puts a customer on the map from its month on (blank areas).
    return written + refresh_blank_cities(first, max(last, current_month()))


def _recorded_after(customer_ids: Collection[int], month: date) -> bool:
    """Whether any of these customers was recorded after the month ended. A customer is on the
    map at a month's end once recorded, or once it bought or was visited (`_blank_cities`), so
    sales of this month or later can change the blank areas only through such a customer."""
    after = local_midnight(add_months(month, 1))
    if after > timezone.now():  # this month: nobody is recorded after it yet
        return False
    return Customer.objects.filter(pk__in=one_of(customer_ids), created_at__gte=after).exists()


@transaction.atomic
def refresh_visits(month: date) -> int:
    """After visits of this month were recorded, corrected or removed: the month's visit cells
    and customer visit cells, for everyone at once. One job per month, joined in the ledger by
    everyone's visits like the blank areas (`refresh_blank_cities_after_visits`): comparing the
    month whole finds who changed, so a day of visits by a thousand people is one pass over
    the month instead of a thousand. The customer visit cells are recounted for the customers
    whose visits changed (`ChangedVisit`), the month whole where no notes are kept. A
    salesperson whose visit count changed has a new cost per visit, which re-prices their
    customers once, for all of them together (rollups.values)."""
    _one_writer_at_a_time()
    changed = _take_changed_visits(month)
    scope = Q(month=month)
    counted = _sync(ActivityCell, _activity_cells(month, month), scope, touched="salesperson_id")
    synced = _sync_customer_visits(month, changed)
    # The cost per visit counts visits only, so only those whose count moved are re-priced.
    repriced = values.refresh(synced.touched, rates_of=counted.touched)
    return counted.written + synced.written + repriced


TAKE_CHANGED_VISITS = (
    "DELETE FROM {notes} WHERE visited_at >= %s AND visited_at < %s RETURNING customer_id"
)


def _take_changed_visits(month: date) -> list[int] | None:
    """The customers whose visits of the month changed since they were last counted, their
    notes taken; None where no notes are kept (SQLite), which recounts the month whole. Taken
    before the visits are read: a visit written meanwhile leaves a note for the next refresh,
    which its save queued."""
    if connection.vendor != "postgresql":
        return None
    start, end = _month_bounds(month, month)
    with connection.cursor() as cursor:
        cursor.execute(
            TAKE_CHANGED_VISITS.format(notes=_quoted(ChangedVisit._meta.db_table)), [start, end]
        )
        return sorted({customer for (customer,) in cursor.fetchall()})


def _sync_customer_visits(month: date, customer_ids: list[int] | None) -> Synced:
    """The month's customer visit cells of these customers (every customer with None)."""
    if customer_ids == []:
        return Synced(0, frozenset())
    only = {} if customer_ids is None else {"customer_id__in": one_of(customer_ids)}
    cells = _customer_visit_cells(month, month, **only)
    return _sync(CustomerVisitCell, cells, Q(month=month, **only), touched="customer_id")


def _forget_changed_visits(first: date, last: date) -> None:
    """A recount of whole months leaves nothing for their notes to recount."""
    start, end = _month_bounds(first, last)
    ChangedVisit.objects.filter(visited_at__gte=start, visited_at__lt=end).delete()


@transaction.atomic
def refresh_customer_values() -> int:
    """When the month turns, every customer's twelve months move on by one (rollups.values)."""
    _one_writer_at_a_time()
    return values.refresh_all()


def refresh_blank_cities_after_visits(month: date) -> int:
    """The blank areas of every month whose window holds a visit of this month."""
    window = timedelta(days=CompanySettings.in_force_on(month).blank_area_days)
    last = min(current_month(), month_of(local_midnight(add_months(month, 1)) + window))
    return refresh_blank_cities(month, last)


@transaction.atomic
def refresh_blank_cities(first: date, last: date) -> int:
    """After visits or customers changed what a city had at these months' ends."""
    _one_writer_at_a_time()
    first, last = month_start(first), month_start(last)
    BlankCity.objects.filter(month__gte=first, month__lte=last).delete()
    rows = [city for month in months_between(first, last) for city in _blank_cities(month)]
    return len(BlankCity.objects.bulk_create(rows))


@transaction.atomic
def refresh_sightings(territory_id: int, month: date) -> int:
    """After a competitor note of this territory and month was filed."""
    _one_writer_at_a_time()
    cells = _competitor_cells(month, month, territory_id=territory_id)
    return _write(CompetitorCell, cells, Q(territory_id=territory_id, month=month))


def _slice(field: str, ids: list[int | None]) -> Q:
    """The cells (or customers) whose `field` is one of `ids`, None meaning "nobody"."""
    known = [pk for pk in ids if pk is not None]
    found = Q(**{f"{field}__in": known})
    return found | Q(**{f"{field}__isnull": True}) if None in ids else found


@transaction.atomic
def refresh_classes(
    first: date,
    last: date,
    *,
    territory_ids: list[int] | None = None,
    owner_ids: list[int | None] | None = None,
) -> int:
    """After customers changed class, owner or territory: the class counts of these months,
    for the territories or owners named (the places the customers left and joined), or every
    class count of the months when none are named. Months before the first on record are left
    alone, as the nightly rebuild leaves them."""
    _one_writer_at_a_time()
    first, last = max(month_start(first), first_month_on_record()), month_start(last)
    only = Q()
    if territory_ids is not None:
        only &= _slice("territory_id", territory_ids)
    if owner_ids is not None:
        only &= _slice("owner_id", owner_ids)
    if last < first:
        return 0
    return _write(
        ClassCell, _class_cells(first, last, only), only & Q(month__gte=first, month__lte=last)
    )


def customer_first_months(customer_id: int) -> tuple[date | None, date | None]:
    """The month the customer first held a class, and the month it was first on the map (on
    record, bought or visited): where its class counts and blank-area counts begin."""
    first_class = ClassChange.objects.filter(customer_id=customer_id).aggregate(
        first=Min("changed_at")
    )["first"]
    customer = Customer.objects.filter(pk=customer_id).values("created_at").first()
    if customer is None:
        return None, None
    first_sale = Sale.objects.filter(customer_id=customer_id).aggregate(first=Min("month"))
    first_visit = Visit.objects.filter(customer_id=customer_id).aggregate(first=Min("visited_at"))
    seen = [month_of(customer["created_at"])]
    seen += [first_sale["first"]] if first_sale["first"] else []
    seen += [month_of(first_visit["first"])] if first_visit["first"] else []
    return (month_of(first_class) if first_class else None), min(seen)


def first_month_on_record() -> date:
    first_sale = Sale.objects.aggregate(first=Min("month"))["first"]
    first_visit = Visit.objects.aggregate(first=Min("visited_at"))["first"]
    candidates = [first_sale] if first_sale else []
    if first_visit:
        candidates.append(month_of(first_visit))
    return min(candidates, default=current_month())


def rebuild_all() -> int:
    """The nightly full rebuild: every month from the first sale or visit to this month."""
    first, last = first_month_on_record(), current_month()
    with transaction.atomic():
        _one_writer_at_a_time()
        for table in TABLES:  # months no longer on record
            table.objects.exclude(month__gte=first, month__lte=last).delete()
        return refresh_months(first, last) + _rebuild_score_shares(first)


# --- quotas, targets and travel costs placed on territories (rules.md §9.5) ---------------------

SHARE_TABLES = (ScoreShare, ChannelQuotaShare)


def _write_score_shares(first: date, last: date, places, **only) -> int:
    """Replace the score shares of the months first..last (of one person with `only`)."""
    order = shares.territory_order()
    for table in SHARE_TABLES:
        table.objects.filter(month__gte=first, month__lte=last, **only).delete()
    written = 0
    for table, cells in (
        (ScoreShare, shares.score_shares(first, last, order, **only)),
        (ChannelQuotaShare, shares.channel_quota_shares(first, last, order, **only)),
    ):
        for cell in cells:
            place = places[cell.territory_id]
            cell.region_id, cell.province_id = place.region_id, place.province_id
            cell.city_id = place.city_id
        written += len(table.objects.bulk_create(cells, batch_size=2000))
    return written


@transaction.atomic
def refresh_score_shares(first: date, last: date, salesperson_id: int | None = None) -> int:
    """After scores were recomputed (quotas, approved claims, sales, the nightly scoring), or one
    person's visits or territories changed: the shares of these months."""
    _one_writer_at_a_time()
    only = {"salesperson_id": salesperson_id} if salesperson_id else {}
    first, last = month_start(first), min(month_start(last), current_month())
    if last < first:
        return 0
    # Travel costs are scores: a changed one re-prices the visits of its salesperson's customers.
    repriced = values.refresh(rates_of=[salesperson_id] if salesperson_id else None)
    return repriced + _write_score_shares(first, last, _places(), **only)


def first_scored_month() -> date:
    return Attainment.objects.aggregate(first=Min("month"))["first"] or current_month()


def _rebuild_score_shares(first: date) -> int:
    """The shares of scored months before `first` (the rebuild of the months from `first` on
    wrote the rest); shares of months no longer scored go."""
    scored_from = first_scored_month()
    for table in SHARE_TABLES:
        table.objects.exclude(
            month__gte=min(first, scored_from), month__lte=current_month()
        ).delete()
    if scored_from >= first:
        return 0
    return refresh_score_shares(scored_from, add_months(first, -1))
