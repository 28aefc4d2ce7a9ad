"""A/B/C/D classification and follow-up cadence (rules.md §4.2), in SQL.

One code path for every case: `reclassify(customers)` updates any queryset of customers with one
statement on PostgreSQL (two on SQLite): the nightly job passes a batch, the on-commit task one.
The class rule is written once (`classes_sql`): the job wraps it, the demo's replay of past months
reads it through `classes_on` with the day the next order came as the expected order date.

    class | demand (≥ large threshold) | order expected within N days | follow-up every
    A     | yes                        | yes                          | 2 days
    B     | no                         | yes                          | 2 days
    C     | yes                        | no or unknown                | 30 days
    D     | no                         | no or unknown                | none
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, In
from django.db.models.sql import Query
from django.utils import timezone

from customers.models import ClassChange, Customer, CustomerClass
from customers.signals import classes_changed
from salesops import ledger
from salesops.models import CompanySettings


def last_three_full_months(today: date) -> tuple[date, date]:
    """[first day of the month three months back, first day of this month) in company time."""
    first_of_this_month = today.replace(day=1)
    year, month = first_of_this_month.year, first_of_this_month.month - 3
    if month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), first_of_this_month


def monthly_sales_totals(*, customer_id: int, start: date, end: date) -> dict[date, Decimal]:
    """One customer's sales per month in [start, end), keyed by the month's first day; months
    without sales are absent. Used by the dealers' credit rule (rules.md §3.8)."""
    return dict(
        Customer.objects.filter(pk=customer_id, sales__month__gte=start, sales__month__lt=end)
        .order_by()
        .values("sales__month")
        .annotate(total=Sum("sales__amount"))
        .values_list("sales__month", "total")
    )


# rules.md §4.2–§4.4, the one definition of the class, in one SELECT shaped like the
# one-statement floor it is measured against (docs/performance.md, P4): the customers asked
# about are joined once to their last three full months' sales, summed per customer. Demand is
# large when the estimate or the sales average reaches the threshold (the larger of the two,
# §4.4); exactly 50,000 is large and an order expected exactly 15 days ahead is "soon" (§4.3);
# no date is "later". Filters on the sale's stored local month: a date range, never a function
# on the date column. Sales are read by table, so this app does not import the sales app above
# it. The expected order date is read as `order_expected_on`, so the demo's replay of past
# months can give the day the next order came in its place.
_CLASSES = """
SELECT {columns},
    CASE
        WHEN ({large}) AND customer.order_expected_on <= %s THEN 'A'
        WHEN customer.order_expected_on <= %s THEN 'B'
        WHEN {large} THEN 'C'
        ELSE 'D'
    END AS to_class
FROM ({chosen}) AS customer
LEFT JOIN {sale} AS sale
    ON sale.customer_id = customer.id AND sale.month >= %s AND sale.month < %s
GROUP BY {columns}
"""
_LARGE = """COALESCE(customer.estimated_monthly_demand, 0) >= CAST(%s AS NUMERIC)
             OR COALESCE(SUM(sale.amount) / 3, 0) >= CAST(%s AS NUMERIC)"""
# Then the follow-up date by the new class (§4.2, §4.7): only the customers whose class or date
# must change come out. On PostgreSQL, `OFFSET 0` keeps the class computed once per customer:
# without it the planner moves this WHERE into the classes' GROUP BY as a HAVING and writes the
# class's CASE out again at each place it is read (four). SQLite has no such rewrite, nor an
# OFFSET without a LIMIT.
_CHANGES = """
SELECT customer_id, from_class, to_class, due FROM (
    SELECT classified.id AS customer_id, classified.customer_class AS from_class,
        classified.to_class, classified.next_follow_up_at AS stored_due, {due} AS due
    FROM ({classes}{computed_once}) AS classified
) AS computed
WHERE from_class <> to_class OR stored_due IS DISTINCT FROM due
"""
_CLASSES_ONLY = "SELECT id, to_class FROM ({classes}) AS classes"
# What the follow-up date is computed from, and the stored class and date the job replaces.
_KEPT_FOR_CHANGES = (
    "customer_class",
    "follow_up_requested_for",
    "last_contacted_at",
    "created_at",
    "next_follow_up_at",
)


def classes_sql(
    customers: QuerySet[Customer],
    rules: CompanySettings,
    today: date,
    *,
    kept: tuple[str, ...] = (),
    order_expected_on=None,
) -> tuple[str, list]:
    """(id, *kept, to_class) of every customer of the set, the class as of `today`, as one
    SELECT and its parameters (in the order they appear). `order_expected_on` is what the rule
    reads as the expected order date: the customer's own unless an expression replaces it."""
    start, end = last_three_full_months(today)
    if order_expected_on is None:
        order_expected_on = F("expected_order_date")
    read = ("id", "estimated_monthly_demand", *kept)
    chosen = customers.order_by().values(*read, order_expected_on=order_expected_on)
    chosen_sql, chosen_params = chosen.query.sql_with_params()
    columns = (*read, "order_expected_on")
    sql = _CLASSES.format(
        columns=", ".join(f"customer.{column}" for column in columns),
        large=_LARGE,
        chosen=chosen_sql,
        sale=Customer._meta.get_field("sales").related_model._meta.db_table,
    )
    large, soon = rules.large_demand_threshold, today + timedelta(days=rules.order_soon_days)
    return sql, [large, large, soon, soon, large, large, *chosen_params, start, end]


def classes_on(
    customers: QuerySet[Customer], rules: CompanySettings, today: date, *, order_expected_on=None
) -> list[tuple[int, str]]:
    """(id, class) of every customer of the set as of `today`, written nowhere: what the demo's
    replay of past months keeps as history."""
    sql, params = classes_sql(customers, rules, today, order_expected_on=order_expected_on)
    with connection.cursor() as cursor:
        cursor.execute(_CLASSES_ONLY.format(classes=sql), params)
        return cursor.fetchall()


def changed_customers(
    customers: QuerySet[Customer], rules: CompanySettings, today: date
) -> tuple[str, list]:
    """(customer_id, from_class, to_class, due) of every customer of the set whose class or
    next follow-up date is not what the rules give, as one SELECT and its parameters (in the
    order they appear); `due` is the follow-up date by the new class."""
    classes, classes_params = classes_sql(customers, rules, today, kept=_KEPT_FOR_CHANGES)
    due, due_params = _follow_up_sql(rules, alias="classified", customer_class="to_class")
    computed_once = " OFFSET 0" if connection.vendor == "postgresql" else ""
    sql = _CHANGES.format(due=due, classes=classes, computed_once=computed_once)
    return sql, [*due_params, *classes_params]


def follow_up_expression(rules: CompanySettings, customer_class=None):
    """Next contact due: the date the latest contact set, whatever the class (rules.md §4.7);
    otherwise from the last contact (or, never contacted, from the record's creation) plus the
    class's cadence, and none for class D (rules.md §4.2).

    The one definition of the rule: the contact service writes it through `refresh_follow_ups`
    and the classification compiles it into its statement (`_follow_up_sql`), where
    `customer_class` is the class that statement is writing rather than the stored one."""
    customer_class = customer_class or F("customer_class")
    since = Coalesce("last_contacted_at", "created_at")

    def due_after(days: int):
        return ExpressionWrapper(since + timedelta(days=days), output_field=DateTimeField())

    return Case(
        When(follow_up_requested_for__isnull=False, then=F("follow_up_requested_for")),
        When(
            In(customer_class, [CustomerClass.A, CustomerClass.B]),
            then=due_after(rules.hot_follow_up_days),
        ),
        When(Exact(customer_class, CustomerClass.C), then=due_after(rules.keep_in_touch_days)),
        default=Value(None, output_field=DateTimeField()),
    )


def _follow_up_sql(rules: CompanySettings, *, alias: str, customer_class: str) -> tuple[str, list]:
    """`follow_up_expression` as SQL over the customer's columns as the relation `alias` of the
    statement it goes into holds them, the class read from that relation's `customer_class`."""
    query = Query(Customer)
    query.change_aliases({query.get_initial_alias(): alias})
    # A column name of this module's own statement, never input.
    class_column = RawSQL(f"{alias}.{customer_class}", [], output_field=CharField())  # noqa: S611
    due = follow_up_expression(rules, class_column).resolve_expression(query, allow_joins=False)
    sql, params = query.get_compiler(connection=connection).compile(due)
    return sql, list(params)


def reclassify_all(*, batch_size: int | None = None, now: datetime | None = None) -> int:
    """Every customer, in batches by primary key that each commit (rules.md §4.5), so the
    nightly job never holds the locks of the whole book in one transaction. Run as a ledger
    job, it resumes after the last committed batch with the same `now`, so a run interrupted
    by a crash ends exactly as an uninterrupted one. Returns how many changed class."""
    job = ledger.current()
    cursor = job.cursor if job is not None else {}
    batch_size = batch_size or settings.CLASSIFY_BATCH_SIZE
    now = datetime.fromisoformat(cursor["now"]) if cursor else (now or timezone.now())
    after, changed = cursor.get("after_pk", 0), cursor.get("changed", 0)
    rules = CompanySettings.current()  # read once for the run, not once a batch
    while after is not None:
        with transaction.atomic():
            upper = _batch_end(after, batch_size)
            batch = Customer.objects.filter(pk__gt=after)
            if upper is not None:
                batch = batch.filter(pk__lte=upper)
            changed += reclassify(batch, now=now, rules=rules)
            ledger.save_cursor({"after_pk": upper, "now": now.isoformat(), "changed": changed})
        after = upper
    return changed


def _batch_end(after: int, batch_size: int) -> int | None:
    """The last primary key of the next batch, or None when the rest fits in one."""
    keys = Customer.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)
    return next(iter(keys[batch_size - 1 : batch_size]), None)


# No savepoint of its own inside a caller's transaction (the nightly batch): a failure fails
# the batch, and the round trips are most of what this costs beyond its statement.
@transaction.atomic(savepoint=False)
def reclassify(
    customers: QuerySet[Customer],
    *,
    now: datetime | None = None,
    rules: CompanySettings | None = None,
) -> int:
    """Recompute class and next follow-up for a set of customers. Returns how many changed class.

    Computes every class, writes the changed classes with their date and the follow-up dates
    that differ from what the rules give (by the class being written), and keeps each change
    of class in the history: on PostgreSQL one statement, on SQLite two. Running it twice
    changes nothing the first run got right.
    """
    now = now or timezone.now()
    rules = rules or CompanySettings.current()
    changes, params = changed_customers(customers, rules, timezone.localdate(now))
    changed = _write_changes(changes, params, now)
    if changed:
        classes_changed.send(Customer, changed=changed, changed_at=now)
    return changed


def _write_changes(select: str, params: list, now: datetime) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            update = _sql(_UPDATE, computed="computed")
            statement = _sql(_WRITE_AND_KEEP_HISTORY, select=select, update=update)
            cursor.execute(statement, [*params, now, now])
            return cursor.rowcount
        # SQLite cannot return the FROM clause's columns nor run an UPDATE inside a WITH: the
        # history is kept first, from the same SELECT, then the customers are written.
        cursor.execute(_sql(_KEEP_HISTORY, select=select), [now, *params])
        changed = cursor.rowcount
        cursor.execute(_sql(_UPDATE, computed=f"({select}) AS computed"), [now, *params])
        return changed


def _sql(statement: str, **parts: str) -> str:
    return statement.format(
        **parts, customer=Customer._meta.db_table, history=ClassChange._meta.db_table
    )


# Only the customers whose class or follow-up date changed are written; `class_since` moves
# only with the class. The stored class must still be the one the SELECT read: a concurrent run
# that already wrote the same change (the on-commit task beside the nightly job) makes this
# one skip the row, so no change is kept twice.
_UPDATE = """
UPDATE {customer} AS customer
SET customer_class = computed.to_class, next_follow_up_at = computed.due,
    class_since = CASE WHEN computed.to_class <> computed.from_class THEN %s
                       ELSE customer.class_since END
FROM {computed}
WHERE customer.id = computed.customer_id AND customer.customer_class = computed.from_class
"""
# MATERIALIZED: the changes are worked out first, so the customers are read a second time, for
# the UPDATE, only when some change (a night with none reads them once, as the floor does).
_WRITE_AND_KEEP_HISTORY = """
WITH computed AS MATERIALIZED ({select}),
written AS ({update} RETURNING customer.id, computed.from_class, computed.to_class)
INSERT INTO {history} (customer_id, from_class, to_class, changed_at)
SELECT id, from_class, to_class, %s FROM written WHERE from_class <> to_class
"""
_KEEP_HISTORY = """
INSERT INTO {history} (customer_id, from_class, to_class, changed_at)
SELECT customer_id, from_class, to_class, %s FROM ({select}) AS computed
WHERE from_class <> to_class
"""


def refresh_follow_ups(customers: QuerySet[Customer], rules: CompanySettings | None = None) -> None:
    """Write `next_follow_up_at` where it differs from what the rules give (one UPDATE)."""
    rules = rules or CompanySettings.current()
    due = follow_up_expression(rules)
    # Spelled out for NULLs: `exclude(next_follow_up_at=F("due"))` drops the rows whose due is
    # NULL, so a date that no longer applies (class D, a cleared follow-up) would never go.
    both = Q(next_follow_up_at__isnull=False, due__isnull=False)
    stale = customers.annotate(due=due).filter(
        Q(next_follow_up_at__isnull=True, due__isnull=False)
        | Q(next_follow_up_at__isnull=False, due__isnull=True)
        | (both & ~Q(next_follow_up_at=F("due")))
    )
    Customer.objects.filter(pk__in=stale.values("pk")).update(next_follow_up_at=due)
