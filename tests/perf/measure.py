"""What the benchmark measures inside one database (a child process of tests/perf/bench.py).

Pages (P1–P3), nightly jobs against a hand-written SQL floor with equality (P4), one day's
incremental update against a full recompute (P5) and the sales import against raw COPY (P7).
Everything a measurement writes is rolled back, so the generated data stays as generated."""

import re
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.template import Template
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext, instrumented_test_render
from django.urls import reverse
from django.utils import timezone

from customers.classification import last_three_full_months, reclassify
from customers.models import Customer
from expenses.models import ExpenseClaim
from reports.datagen.copy import copy_rows
from reports.datagen.generate import read_manifest
from rollups import building
from sales.models import Sale
from sales.sales_rollup import rebuild_sales_rollup, refresh_sales_rollup
from sales.scoring import periods_touching, score_periods
from sales.services.sales import import_sales
from sales.services.scoring import score_months
from salesops import history
from salesops.models import CompanySettings, JobRun, User
from salesops.months import add_months, current_month, half_year_of, month_of
from salesops.navigation import menu_entries
from tests.factories import sign_in
from tests.perf.load import visit_form
from visits.models import TripPlan, Visit


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run a measurement inside a transaction that never commits."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def _vacuum_database() -> None:
    """Vacuum and analyse the tier's database, untimed, before the pages and the day are
    measured. A measurement rolled back leaves what it wrote as dead rows, and the pages it
    touched out of the visibility map. After the jobs' measurements (the region rollup's
    rebuild rewrites every customer's copy of its value) that is a state production never
    has: there autovacuum clears what the committed nightly jobs leave before the day's work.
    In that state at L the day took 4.8 s against 2.9–3.5 s vacuumed, and a region's 80/20
    counts read 25,801 of its 29,473 customers' rows besides their covering index, 38 ms
    against 23 (docs/performance-history.md, nineteenth round)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- the users and pages ---------------------------------------------------------------------


def personas() -> dict[str, User]:
    """The same shape of user at every size: the salesperson with the median book, the first
    region's manager and director, and head office."""
    sellers = _sellers_by_book()
    return {
        "salesperson": User.objects.get(pk=sellers[len(sellers) // 2]),
        "manager": User.objects.get(username="mgr01"),
        "director": User.objects.get(username="dir01"),
        "head_office": User.objects.get(username="hq"),
    }


def _sellers_by_book() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT owner_id FROM customers_customer WHERE owner_id IS NOT NULL "
            "GROUP BY owner_id ORDER BY COUNT(*), owner_id"
        )
        return [row[0] for row in cursor.fetchall()]


def pages(people: dict[str, User]) -> list[tuple[str, str, str]]:
    """(page, persona, url): home and every menu entry per role, and the record pages."""
    found = []
    for persona, user in people.items():
        found.append((f"home ({persona})", persona, reverse("home")))
        for entry in menu_entries(user):
            found.append((f"{entry['url_name']} ({persona})", persona, entry["url"]))
    seller = people["salesperson"]
    customer = Customer.objects.filter(owner=seller).order_by("pk").first()
    plan = TripPlan.objects.filter(salesperson=seller).order_by("-starts_on").first()
    # The latest approved claim: the latest of all is a draft at one tier and submitted at
    # another, and a draft's page offers its trip plans (one query more), a different page.
    claims = ExpenseClaim.objects.filter(salesperson=seller, status=ExpenseClaim.Status.APPROVED)
    claim = claims.order_by("-month").first()
    found.append(("customer page", "salesperson", reverse("customers:detail", args=[customer.pk])))
    found.append(("plan page", "salesperson", reverse("visits:plan", args=[plan.pk])))
    found.append(("claim page", "salesperson", reverse("expenses:claim", args=[claim.pk])))
    # Head office's menu entry for the regions shows the one region of tier S in place and
    # lists the regions of a larger tier, two different pages; the page of one region, the
    # manager's, is the same page at every size.
    region = people["manager"].regions.order_by("code").first()
    found.append(
        (
            "region page (head_office)",
            "head_office",
            reverse("territories:region", args=[region.code]),
        )
    )
    return found


@contextmanager
def templates_rendered() -> Iterator[list[str]]:
    """The names of the templates rendered inside, the page's own first: which page a menu
    entry opened, where the same entry opens different pages at different sizes. The test
    client records them only where the test environment is set up, which the benchmark's
    timed requests do without (it sends a signal per template), so the recording is switched on
    around one untimed request."""
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name or "")

    original = Template._render
    Template._render = instrumented_test_render
    template_rendered.connect(record)
    try:
        yield names
    finally:
        template_rendered.disconnect(record)
        Template._render = original


_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_BODY = re.compile(r"<tbody\b.*?</tbody>", re.S)


def rows_per_table(html: str) -> int:
    """The most rows any table on the page renders (its body rows)."""
    most = 0
    for table in _TABLE.findall(html):
        bodies = _BODY.findall(table) or [table]
        most = max(most, sum(body.count("<tr") for body in bodies))
    return most


def measure_pages(runs: int) -> dict:
    _vacuum_database()
    people = personas()
    clients = {}
    for persona, user in people.items():
        clients[persona] = Client()
        # Signed in as a user who has entered their code: approvers would otherwise be sent to
        # the two-step page, and the benchmark would time that page instead of theirs.
        sign_in(clients[persona], user)
    results = {}
    for name, persona, url in pages(people):
        client = clients[persona]
        first = client.get(url, secure=True, follow=True)
        if first.resolver_match.url_name.startswith("mfa_"):
            raise SystemExit(f"{name} opened the two-step sign-in page instead of {url}.")
        if first.redirect_chain:  # an entry that forwards (the quota grid to this month)
            url = first.redirect_chain[-1][0]
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url, secure=True)
            timings.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries, templates_rendered() as templates:
            response = client.get(url, secure=True)
        results[name] = {
            "url": url,
            "status": first.status_code,
            "p95_ms": round(_p95(timings) * 1000, 1),
            "median_ms": round(statistics.median(timings) * 1000, 1),
            "queries": len(queries.captured_queries),
            "rows": rows_per_table(response.content.decode()),
            "page": templates[0] if templates else "",
        }
    return results


POST_DISCUSSION = "Next month's order (benchmark post)"


def form_posts(people: dict[str, User]) -> list[tuple[str, str, str, dict, Callable[[], bool]]]:
    """(post, persona, url, form, done): the posts users send most, those of the load stage
    (P8): the salesperson logging a visit to one of their customers, and the manager approving
    the first trip plan waiting in their region. `done()` tells whether the post did what it
    asks: a refused form answers quickly and would be timed as a post."""
    seller, manager = people["salesperson"], people["manager"]
    customer = Customer.objects.filter(owner=seller).order_by("pk").first()
    plan = (
        TripPlan.objects.filter(status=TripPlan.Status.SUBMITTED, region__in=manager.regions.all())
        .order_by("pk")
        .first()
    )
    decision = {"decision": "approve", "next": reverse("waiting")}
    return [
        (
            "log a visit (salesperson)",
            "salesperson",
            reverse("visits:visit_new"),
            visit_form(customer.name, POST_DISCUSSION),
            lambda: Visit.objects.filter(salesperson=seller, discussion=POST_DISCUSSION).exists(),
        ),
        (
            "approve a trip plan (manager)",
            "manager",
            reverse("decide", args=["trip_plan", plan.pk]),
            decision,
            lambda: TripPlan.objects.filter(
                pk=plan.pk, status=TripPlan.Status.MANAGER_APPROVED
            ).exists(),
        ),
    ]


def measure_posts(runs: int) -> dict:
    """Each form post's p95 in process, after one untimed post, every post in a transaction
    rolled back after it: the same visit logged and the same plan approved each time. What a
    post queues on commit (the rollups' refreshes) goes to the broker in production, after the
    answer; rolled back, it is never queued, so the figure is the answer's alone."""
    people = personas()
    results = {}
    for name, persona, url, form, done in form_posts(people):
        client = Client()
        sign_in(client, people[persona])
        timings = []
        for _ in range(runs + 1):
            with rolled_back():
                started = time.perf_counter()
                response = client.post(url, form, secure=True)
                timings.append(time.perf_counter() - started)
                if not done():
                    raise SystemExit(f"{name}: {url} answered {response.status_code} undone.")
        timings = timings[1:]
        results[name] = {
            "url": url,
            "p95_ms": round(_p95(timings) * 1000, 1),
            "median_ms": round(statistics.median(timings) * 1000, 1),
        }
    return results


def check_pages(client_for) -> dict:
    """Status, queries and rows of every page, opened once after a warm-up (no timing): what CI
    checks at tier S. `client_for(user)` gives a signed-in test client."""
    people = personas()
    clients = {persona: client_for(user) for persona, user in people.items()}
    results = {}
    for name, persona, url in pages(people):
        client = clients[persona]
        client.get(url, follow=True)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, follow=True)
        results[name] = {
            "status": response.status_code,
            "queries": len(queries.captured_queries),
            "rows": rows_per_table(response.content.decode()),
        }
    return results


def job_differences() -> dict[str, int]:
    """How many rows each nightly job's stored result differs from its SQL floor (P4's
    equality, without the timing)."""
    first, last = _months()
    attainment = _attainment_span(first, last)
    classes = _class_floor_params()
    return {
        "sales rollup": _floor(ROLLUP_FLOOR, ROLLUP_DIFFERENCE, [first, last])[1],
        "attainment": _floor(ATTAINMENT_FLOOR, ATTAINMENT_DIFFERENCE, attainment)[1],
        "classification": _floor(CLASS_FLOOR, CLASS_DIFFERENCE, classes)[1],
    }


# --- P4: nightly jobs against one hand-written statement -------------------------------------


def _months() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(month), MAX(month) FROM customers_sale")
        return cursor.fetchone()


ROLLUP_FLOOR = """
CREATE TEMP TABLE floor_rollup ON COMMIT DROP AS
SELECT month, salesperson_id, territory_id, channel,
       SUM(amount) AS amount, SUM(gross_profit) AS gross_profit, COUNT(*) AS lines
FROM customers_sale WHERE month BETWEEN %s AND %s
GROUP BY month, salesperson_id, territory_id, channel
"""
ROLLUP_DIFFERENCE = """
SELECT (SELECT COUNT(*) FROM (
          SELECT month, salesperson_id, territory_id, channel, amount, gross_profit, lines
          FROM floor_rollup EXCEPT
          SELECT month, salesperson_id, territory_id, channel, amount, gross_profit, lines
          FROM reports_salesrollup) a)
     + (SELECT COUNT(*) FROM (
          SELECT month, salesperson_id, territory_id, channel, amount, gross_profit, lines
          FROM reports_salesrollup EXCEPT
          SELECT month, salesperson_id, territory_id, channel, amount, gross_profit, lines
          FROM floor_rollup) b)
"""

# The class (rules.md §4.2–§4.4), then the next follow-up by that class (§4.2, §4.7): the date
# the latest contact set, else the class's cadence after the last contact or the creation.
CLASS_FLOOR = """
CREATE TEMP TABLE floor_class ON COMMIT DROP AS
WITH recent AS (
  SELECT customer_id, SUM(amount) / 3 AS average FROM customers_sale
  WHERE month >= %(start)s AND month < %(end)s GROUP BY customer_id
),
classed AS (
  SELECT c.id, c.follow_up_requested_for, COALESCE(c.last_contacted_at, c.created_at) AS since,
    CASE
      WHEN GREATEST(COALESCE(c.estimated_monthly_demand, 0), COALESCE(r.average, 0)) >= %(large)s
           AND c.expected_order_date <= %(soon)s THEN 'A'
      WHEN c.expected_order_date <= %(soon)s THEN 'B'
      WHEN GREATEST(COALESCE(c.estimated_monthly_demand, 0), COALESCE(r.average, 0)) >= %(large)s
           THEN 'C'
      ELSE 'D'
    END AS customer_class
  FROM customers_customer c LEFT JOIN recent r ON r.customer_id = c.id
)
SELECT id, customer_class,
  CASE
    WHEN follow_up_requested_for IS NOT NULL THEN follow_up_requested_for
    WHEN customer_class IN ('A', 'B') THEN since + make_interval(days => %(hot)s)
    WHEN customer_class = 'C' THEN since + make_interval(days => %(keep)s)
  END AS next_follow_up_at
FROM classed
"""
CLASS_DIFFERENCE = """
SELECT COUNT(*) FROM floor_class f JOIN customers_customer c ON c.id = f.id
WHERE c.customer_class <> f.customer_class
   OR c.next_follow_up_at IS DISTINCT FROM f.next_follow_up_at
"""

# Carry-over (rules.md §7.5) as a recursive statement: target = quota + the unmet part of last
# month's target; attainment = sales ÷ target; company rank by attainment each month; travel
# efficiency, which the job computes in the same pass (rules.md §7.11): the approved claims'
# items ÷ gross profit.
ATTAINMENT_FLOOR = """
CREATE TEMP TABLE floor_attainment ON COMMIT DROP AS
WITH RECURSIVE
quotas AS (SELECT salesperson_id AS person, month, SUM(amount) AS quota
           FROM territories_quota GROUP BY 1, 2),
sales AS (SELECT salesperson_id AS person, month, SUM(amount) AS sales,
                 SUM(gross_profit) AS gross_profit
          FROM reports_salesrollup GROUP BY 1, 2),
travel AS (SELECT claim.salesperson_id AS person, claim.month, SUM(item.amount) AS cost
           FROM visits_expenseitem item JOIN visits_expenseclaim claim ON claim.id = item.claim_id
           WHERE claim.status = 'approved' AND claim.month BETWEEN %(first)s AND %(last)s
           GROUP BY 1, 2),
people AS (SELECT person FROM quotas UNION SELECT person FROM sales
           UNION SELECT person FROM travel),
months AS (SELECT generate_series(%(first)s::date, %(last)s::date, interval '1 month')::date
           AS month),
grid AS (
  SELECT p.person, m.month, COALESCE(q.quota, 0) AS quota, COALESCE(s.sales, 0) AS sales,
         COALESCE(s.gross_profit, 0) AS gross_profit, COALESCE(t.cost, 0) AS travel_cost,
         ROW_NUMBER() OVER (PARTITION BY p.person ORDER BY m.month) AS n
  FROM people p CROSS JOIN months m
  LEFT JOIN quotas q ON q.person = p.person AND q.month = m.month
  LEFT JOIN sales s ON s.person = p.person AND s.month = m.month
  LEFT JOIN travel t ON t.person = p.person AND t.month = m.month
),
carried (person, n, month, target, sales, gross_profit, travel_cost) AS (
  SELECT person, n, month, quota, sales, gross_profit, travel_cost FROM grid WHERE n = 1
  UNION ALL
  SELECT g.person, g.n, g.month, g.quota + GREATEST(0, c.target - c.sales), g.sales,
         g.gross_profit, g.travel_cost
  FROM carried c JOIN grid g ON g.person = c.person AND g.n = c.n + 1
),
scored AS (
  SELECT person, month, target,
         CASE WHEN target > 0 THEN ROUND(100 * sales / target, 1) END AS attainment,
         CASE WHEN gross_profit > 0 THEN ROUND(travel_cost / gross_profit, 4) END
           AS travel_efficiency
  FROM carried
)
SELECT person, month, target, attainment, travel_efficiency,
       CASE WHEN attainment IS NOT NULL THEN
         RANK() OVER (PARTITION BY month ORDER BY attainment DESC NULLS LAST) END AS company_rank
FROM scored
"""
ATTAINMENT_DIFFERENCE = """
SELECT COUNT(*) FROM reports_attainment a
LEFT JOIN floor_attainment f ON f.person = a.salesperson_id AND f.month = a.month
WHERE f.person IS NULL OR f.target <> a.target
   OR f.attainment IS DISTINCT FROM a.attainment OR f.company_rank IS DISTINCT FROM a.company_rank
   OR f.travel_efficiency IS DISTINCT FROM a.travel_efficiency
"""


def _attainment_span(first, last) -> dict:
    """The months the attainment job scores for sales of first..last, as its floor's range: it
    starts where the first half-year does, and runs each half-year up to the current month, so
    past the last month with sales when the current month falls later in the same half-year
    (its target is what was carried over, with no sale yet)."""
    scored_to = min(add_months(half_year_of(last), 5), current_month())
    return {"first": periods_touching(first, last)[0], "last": max(last, scored_to)}


def _floor(create: str, difference: str, params) -> tuple[float, int]:
    with rolled_back(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(create, params)
        seconds = time.perf_counter() - started
        cursor.execute(difference)
        return seconds, cursor.fetchone()[0]


def _job(function) -> float:
    """A job as the nightly run does it (in a job's history context), its writes rolled back
    afterwards."""
    with rolled_back(), history.job_context("benchmark"):
        return _timed(function)


def measure_jobs(rounds: int = 1, warm_up: bool = False) -> dict:
    """Each nightly job against its floor: medians of `rounds` alternating runs of the two,
    after one untimed run of each when `warm_up` (at tier S a job takes milliseconds, and the
    first statement of a connection to touch a table pays for loading its catalog entries,
    which would be charged to whichever of the two ran first)."""
    first, last = _months()
    # The attainment job scores whole half-years, so its floor starts where the first one does.
    periods = _attainment_span(first, last)
    jobs = {
        "sales rollup rebuild": (
            lambda: rebuild_sales_rollup(first, last),
            (ROLLUP_FLOOR, ROLLUP_DIFFERENCE, [first, last]),
        ),
        "attainment, carry-over, ranks": (
            lambda: score_periods(periods_touching(first, last)),
            (ATTAINMENT_FLOOR, ATTAINMENT_DIFFERENCE, periods),
        ),
        "classification": (
            lambda: reclassify(Customer.objects.all()),
            (CLASS_FLOOR, CLASS_DIFFERENCE, _class_floor_params()),
        ),
    }
    return {
        name: _against_floor(job, floor, rounds=rounds, warm_up=warm_up)
        for name, (job, floor) in jobs.items()
    }


def _against_floor(job, floor: tuple, *, rounds: int, warm_up: bool) -> dict:
    if warm_up:
        _job(job)
        _floor(*floor)
    job_times, floor_times, differences = [], [], 0
    for _round in range(rounds):
        job_times.append(_job(job))
        seconds, differing = _floor(*floor)
        floor_times.append(seconds)
        differences = max(differences, differing)
    return _ratio(statistics.median(job_times), statistics.median(floor_times), differences)


def measure_region_rollup() -> dict:
    """The region rollup's nightly rebuild (every table of it, every month): timed against the
    absolute goal for nightly jobs; its equality with the incremental refreshes is
    tests/rollups (a rebuild must leave their state unchanged)."""
    cells = []
    seconds = _job(lambda: cells.append(building.rebuild_all()))
    return {"job_s": round(seconds, 3), "cells": cells[0]}


def _class_floor_params() -> dict:
    rules = CompanySettings.current()
    today = timezone.localdate()
    start, end = last_three_full_months(today)
    return {
        "start": start,
        "end": end,
        "large": rules.large_demand_threshold,
        "soon": today + timedelta(days=rules.order_soon_days),
        "hot": rules.hot_follow_up_days,
        "keep": rules.keep_in_touch_days,
    }


def _ratio(job: float, floor: float, differences: int) -> dict:
    return {
        "job_s": round(job, 3),
        "floor_s": round(floor, 3),
        "ratio": round(job / floor, 2) if floor else None,
        "differences": differences,
    }


# --- P5: one day's update against a full recompute -------------------------------------------


def _latest(sql: str, count: int) -> list[tuple]:
    """The newest `count` rows of a query ordered newest first (its LIMIT a parameter)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [count])
        return cursor.fetchall()


def _one_day_of_sales(count: int, number_from: int) -> list[tuple]:
    """`count` new lines today, on the customers of the last day on record (same mix)."""
    recent = _latest(
        "SELECT customer_id, salesperson_id, territory_id, channel, amount, gross_profit "
        "FROM customers_sale ORDER BY sold_at DESC, id DESC LIMIT %s",
        count,
    )
    now = timezone.now()
    month = month_of(now)
    return [
        (f"DAY{number_from + index:09d}", 1, now, month, *row, now)
        for index, row in enumerate(recent)
    ]


SALE_COLUMNS = ["order_number", "line", "sold_at", "month", "customer_id", "salesperson_id"]
SALE_COLUMNS += ["territory_id", "channel", "amount", "gross_profit", "updated_at"]


VISIT_COLUMNS = ["salesperson_id", "customer_id", "territory_id", "visited_at", "kind"]
VISIT_COLUMNS += ["created_at", "updated_at"]


def _one_day_of_visits(count: int) -> list[tuple]:
    """`count` visits today, to the customers of the last visits on record (same mix)."""
    recent = _latest(
        "SELECT salesperson_id, customer_id, territory_id, kind FROM visits_visit "
        "ORDER BY visited_at DESC, id DESC LIMIT %s",
        count,
    )
    now = timezone.now()
    return [(*place, now, kind, now, now) for *place, kind in recent]


def measure_incremental(daily_lines: int, daily_visits: int, *, days: int = 3) -> dict:
    """One day of sales and visits brought into every derived table (what their saves queue)
    against the nightly full recompute of the same tables: the median of `days` runs of the
    day, each after a vacuum and rolled back, against the full recompute once, after the
    last day. The day is a few seconds at L and moved by half between runs on one machine
    (the two-visitor round: 5.7–8.2 s alone, 11.6 s once in the benchmark), where the full
    recompute's minutes move by a few percent."""
    day_seconds = []
    for last in [False] * (days - 1) + [True]:
        _vacuum_database()
        with rolled_back():
            day, visits, incremental, full = _one_day_loaded(daily_lines, daily_visits)
            day_seconds.append(_job(incremental))
            if last:
                full_s = _job(full)
    incremental_s = statistics.median(day_seconds)
    return {
        "lines": len(day),
        "visits": len(visits),
        "days_s": [round(seconds, 3) for seconds in day_seconds],
        "incremental_s": round(incremental_s, 3),
        "full_s": round(full_s, 3),
        "ratio": round(incremental_s / full_s, 3),
    }


def _one_day_loaded(daily_lines: int, daily_visits: int) -> tuple:
    """A day's sales and visits written, and the two ways of bringing the derived tables up
    to date after them: (sales, visits, incremental, full)."""
    first, last = _months()
    day = _one_day_of_sales(daily_lines, 1)
    copy_rows(Sale, SALE_COLUMNS, day, moment=timezone.now())
    visits = _one_day_of_visits(daily_visits)
    copy_rows(Visit, VISIT_COLUMNS, visits, moment=timezone.now())
    pairs = {(row[5], row[3]) for row in day}
    people = {person for person, _month in pairs}
    touched = {row[4] for row in day}
    month = day[0][3]

    def incremental():
        # What the import queues: the day's rollup cells, its salespeople's scores from its
        # month on (the month's standings follow for everyone), its customers' classes, the
        # region rollup's month; what the visits queue: the month's visit cells and its blank
        # areas, each once (joined in the ledger by everyone's visits).
        refresh_sales_rollup(pairs)
        score_months(first_month=month, last_month=month, salespeople=sorted(people))
        reclassify(Customer.objects.filter(pk__in=touched))
        building.refresh_sales(month, month, customer_ids=touched)
        building.refresh_visits(month)
        building.refresh_blank_cities_after_visits(month)

    def full():
        rebuild_sales_rollup(first, max(last, month))
        score_periods(periods_touching(first, max(last, month)))
        reclassify(Customer.objects.all())
        building.rebuild_all()

    return day, visits, incremental, full


# --- P7: the sales import against raw COPY ---------------------------------------------------


def measure_import(lines: int, *, rounds: int = 2) -> dict:
    """The import service (checks, upsert, rollup) against COPY of the same rows, alternately
    for `rounds` rounds, each figure the median of its runs. At L a single COPY of the million
    lines took anywhere from 57.7 to 93.4 s on one machine and data, where the import moved
    less (122–156 s), so one pair of runs gave the ratio 1.51 or 2.20 (docs/performance.md,
    P7)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.name, u.username, c.id, u.id, c.territory_id, c.channel "
            "FROM customers_customer c JOIN salesops_user u ON u.id = c.owner_id "
            "ORDER BY c.id"
        )
        customers = cursor.fetchall()
    now = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    rows, copied = [], []
    for index in range(lines):
        name, username, customer_id, person_id, territory_id, channel = customers[
            index % len(customers)
        ]
        amount, profit = f"{100 + index % 900}.00", f"{20 + index % 80}.00"
        order = f"IMP{index:09d}"
        rows.append(
            {
                "order_number": order,
                "line": 1,
                "date": now.isoformat(),
                "customer": name,
                "salesperson": username,
                "channel": channel,
                "amount": amount,
                "gross_profit": profit,
            }
        )
        copied.append(
            (
                order,
                1,
                now,
                month_of(now),
                customer_id,
                person_id,
                territory_id,
                channel,
                amount,
                profit,
                now,
            )
        )
    head_office = User.objects.get(username="hq")
    imports, copies = [], []
    for _round in range(rounds):
        # Both inside the history context a request or a job runs in (salesops/history.py).
        with rolled_back(), history.job_context("sales import"):
            imports.append(
                _timed(lambda: import_sales(rows=rows, by=head_office, file_name="bench.csv"))
            )
        with rolled_back(), history.job_context("sales import"):
            copies.append(_timed(lambda: _copy_in_context(copied, now)))
    imported, copy_s = statistics.median(imports), statistics.median(copies)
    return {
        "lines": lines,
        "imports_s": [round(seconds, 3) for seconds in imports],
        "copies_s": [round(seconds, 3) for seconds in copies],
        "import_s": round(imported, 3),
        "copy_s": round(copy_s, 3),
        "ratio": round(imported / copy_s, 2),
        "lines_per_s": round(lines / imported),
    }


def _copy_in_context(rows: list[tuple], moment) -> None:
    # The history context rides on the writes Django runs; COPY is not one of them, so it is
    # set for the transaction here the way they set it, before the rows go in.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pghistory.context_id', %s, true), "
            "set_config('pghistory.context_metadata', %s, true)",
            [str(uuid.uuid4()), '{"job": "sales import"}'],
        )
    copy_rows(Sale, SALE_COLUMNS, rows, moment=moment)


def manifest() -> dict | None:
    return read_manifest()


# --- P6: a job through a real Celery worker against the same call in-process -----------------


def measure_worker() -> dict:
    """Each nightly job run in this process, then by the worker the benchmark started (same
    database, Redis broker), both as a queued job of the ledger, as production runs them. Both
    runs commit: the jobs are idempotent, so the second run rewrites what the first wrote."""
    from customers.tasks import classify_all
    from sales.tasks import score_months

    first, last = _months()
    months = {"first_month": first.isoformat(), "last_month": last.isoformat()}
    jobs = {
        "classification": (classify_all, {}),
        "attainment, all months": (score_months, months),
    }
    results, since = {}, timezone.now()
    for name, (task, kwargs) in jobs.items():
        _through_worker(task, kwargs)  # the worker's first run warms its connection
        _drained(since)
        in_process = _timed(lambda task=task, kwargs=kwargs: _in_process(task, kwargs))
        _drained(since)
        worker = _timed(lambda task=task, kwargs=kwargs: _through_worker(task, kwargs))
        _drained(since)
        results[name] = {
            "in_process_s": round(in_process, 3),
            "worker_s": round(worker, 3),
            "ratio": round(worker / in_process, 2),
        }
    return results


def _drained(since, timeout_s: float = 900) -> None:
    """Wait until the jobs the runs queued behind them (the rollup's refreshes after scoring,
    say) are done: the one worker would otherwise run them inside the next timed run."""
    deadline = time.monotonic() + timeout_s
    # A job asked for again reuses its ledger row, so "since" is when it was last published.
    waiting = JobRun.objects.filter(
        Q(created_at__gte=since) | Q(published_at__gte=since),
        state__in=[JobRun.State.QUEUED, JobRun.State.RUNNING],
    )
    while waiting.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def _queued_job(task, kwargs: dict) -> dict:
    """A ledger row of its own for one run (sent plainly, a nightly task would join that day's
    finished nightly run and be skipped), and the arguments that run it."""
    run = JobRun.objects.create(
        kind="benchmark",
        scope_key=str(uuid.uuid4()),
        task_name=task.name,
        arguments=kwargs,
        published_at=timezone.now(),
    )
    return {**kwargs, "job_run": run.pk}


def _in_process(task, kwargs: dict) -> None:
    task.apply(kwargs=_queued_job(task, kwargs))


def _through_worker(task, kwargs: dict) -> None:
    task.apply_async(kwargs=_queued_job(task, kwargs)).get(timeout=900)


# --- P8: the people the load stage signs in ---------------------------------------------------

LOAD_SALESPEOPLE = 6
LOAD_MANAGERS = 2  # threads of the region's manager
LOAD_HEAD_OFFICE = 2  # threads of head office
# What the load's visits say, so the stage can count the ones the server saved.
LOAD_DISCUSSION = "Next month's order (load stage)"


def load_cast() -> dict:
    """The ten virtual users of the load stage (tests/perf/load.py), in the throwaway copy of
    the tier's database the stage runs on: the six salespeople around the median book with a
    few of their customers, the first region's manager and head office. The roles with a
    second factor get a confirmed authenticator with a key made for this run, so the driver
    signs in through the real login and code pages."""
    import secrets

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from reports.datagen.generate import PASSWORD

    key = secrets.token_hex(20)
    sellers = _sellers_by_book()
    middle = max(0, len(sellers) // 2 - LOAD_SALESPEOPLE // 2)
    users = []
    for seller in User.objects.filter(pk__in=sellers[middle : middle + LOAD_SALESPEOPLE]):
        customers = Customer.objects.filter(owner=seller).order_by("pk")[:5]
        users.append(
            {
                "kind": "salesperson",
                "username": seller.username,
                "mfa": False,
                "discussion": LOAD_DISCUSSION,
                "customers": [{"id": c.pk, "name": c.name} for c in customers],
            }
        )
    last_month = _months()[1]
    for username, kind, threads in [
        ("mgr01", "manager", LOAD_MANAGERS),
        ("hq", "head_office", LOAD_HEAD_OFFICE),
    ]:
        person = User.objects.get(username=username)
        TOTPDevice.objects.filter(user=person).delete()
        TOTPDevice.objects.create(user=person, name="Benchmark", key=key, confirmed=True)
        for _ in range(threads):
            users.append(
                {
                    "kind": kind,
                    "username": username,
                    "mfa": True,
                    "rollup_url": reverse("rollups:rollup", args=[f"{last_month:%Y-%m}"]),
                }
            )
    return {
        "users": users,
        "password": PASSWORD,
        "totp_key": key,
        **load_written(),
    }


def load_written() -> dict:
    """What the load stage's writes left: its visits saved, the plans still waiting."""
    return {
        "visits_saved": Visit.objects.filter(discussion=LOAD_DISCUSSION).count(),
        "plans_waiting": TripPlan.objects.filter(status=TripPlan.Status.SUBMITTED).count(),
    }
