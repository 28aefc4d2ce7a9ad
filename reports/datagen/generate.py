"""Build one tier of generated data (see `reports.datagen`). PostgreSQL only: rows go in with
COPY, the way a bulk load of this size is done in production."""

import hashlib
import json
import logging
import random
import time
from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from customers.classification import reclassify
from customers.models import Channel, Customer
from customers.normalize import normalize_name
from expenses.models import ExpenseCategory, ExpenseClaim, ExpenseItem
from reports.datagen import MANIFEST_TABLE, TIERS, Tier
from reports.datagen.copy import copy_rows, reset_sequences
from sales.models import Quota, RegionQuota, Sale
from sales.sales_rollup import rebuild_sales_rollup
from sales.scoring import periods_touching, score_periods
from salesops.models import Role, User
from salesops.months import add_months, local_midnight, month_start, months_between
from territories.divisions import load_divisions
from territories.models import Assignment, Region, Territory
from visits.models import PlannedVisit, TripPlan, Visit

logger = logging.getLogger(__name__)
PASSWORD = "bench-password"
# Every expense claim carries about this many items (about 300,000 at L).
ITEMS_PER_CLAIM = 8
PLANNED_VISITS_PER_PLAN = 4
# About one visit in thirty is by a colleague of the owner's region (cover for leave, a hand-over
# under way, a second pair of eyes on a big account): an assumption, not a measured share. Such a
# customer has several visitors, whose costs per visit price its visits together, and each day's
# rates re-price it (rollups.values).
SHARED_VISIT_SHARE = 0.03
CHANNEL_MIX = [
    (Channel.TERMINAL_LARGE, 10),
    (Channel.TERMINAL_MEDIUM, 25),
    (Channel.TERMINAL_SMALL, 35),
    (Channel.DEALER, 10),
    (Channel.DIRECT_STORE, 20),
]
QUOTA_SPLIT = [("direct_store", 40), ("terminal", 35), ("dealer", 25)]
KEPT_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class GeneratorRefused(Exception):
    """The database or the arguments are not fit for generating (the message says why)."""


def generate(*, tier: str, seed: int, until: date, replace: bool, log=print) -> dict:
    if connection.vendor != "postgresql":
        raise GeneratorRefused(
            "Generated data is loaded with COPY: set DATABASE_URL to PostgreSQL."
        )
    if tier not in TIERS:
        raise GeneratorRefused(f"Unknown tier {tier!r}: choose one of {', '.join(TIERS)}.")
    if _has_data() and not replace:
        raise GeneratorRefused(
            "The database already holds users or customers; pass --replace to wipe it first."
        )
    started = time.perf_counter()
    if replace:
        _wipe()
    builder = _Builder(TIERS[tier], seed, until, log)
    builder.build()
    manifest = _manifest(TIERS[tier], seed, until, time.perf_counter() - started)
    _store_manifest(manifest)
    return manifest


def _has_data() -> bool:
    return User.objects.exists() or Customer.objects.exists()


def _wipe() -> None:
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t not in KEPT_TABLES]
        quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


class _Builder:
    def __init__(self, tier: Tier, seed: int, until: date, log):
        self.tier, self.seed, self.until, self.log = tier, seed, until, log
        self.months = months_between(add_months(month_start(until), 1 - tier.months), until)
        self.moment = local_midnight(self.months[0]) - timedelta(days=45)

    def rng(self, what: str) -> random.Random:
        # One stream per table, so adding rows to one table never shifts another's.
        return random.Random(f"{self.seed}:{what}")

    def build(self) -> None:
        steps = [
            ("divisions", self._divisions),
            ("regions and people", self._people),
            ("territories", self._territories),
            ("customers", self._customers),
            ("sales lines", self._sales),
            ("visits", self._visits),
            ("quotas", self._quotas),
            ("trip plans", self._plans),
            ("expense claims", self._claims),
        ]
        with transaction.atomic():
            _without_triggers()
            for name, step in steps:
                self._timed(name, step)
            reset_sequences(*_generated_tables())
            self._timed("customer status and last contact", _derive_customer_facts)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # The derived tables, through the production jobs.
        self._timed("sales rollup", lambda: rebuild_sales_rollup(self.months[0], self.months[-1]))
        self._timed("attainment", self._score)
        self._timed("classification", lambda: reclassify(Customer.objects.all()))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _timed(self, name: str, step) -> None:
        started = time.perf_counter()
        step()
        self.log(f"  {name}: {time.perf_counter() - started:.1f} s")

    # --- organisation ---------------------------------------------------------------------

    def _divisions(self) -> None:
        if not Territory.objects.exists():
            load_divisions()

    def _people(self) -> None:
        tier, rng = self.tier, self.rng("people")
        password = make_password(PASSWORD, salt="salesopsbench")
        people = [(1, "admin", Role.ADMIN, True), (2, "hq", Role.HEAD_OFFICE, False)]
        self.managers, self.directors = {}, {}
        next_id = 3
        for region in range(1, tier.regions + 1):
            self.managers[region] = next_id
            self.directors[region] = next_id + 1
            people += [
                (next_id, f"mgr{region:02d}", Role.MANAGER, False),
                (next_id + 1, f"dir{region:02d}", Role.DIRECTOR, False),
            ]
            next_id += 2
        self.salespeople = list(range(next_id, next_id + tier.salespeople))
        people += [
            (pk, f"sp{n:04d}", Role.SALESPERSON, False) for n, pk in enumerate(self.salespeople, 1)
        ]
        self.region_of = {
            pk: 1 + index * tier.regions // tier.salespeople
            for index, pk in enumerate(self.salespeople)
        }
        first = self.months[0]
        rows = (
            (
                pk,
                username,
                password,
                role,
                superuser,
                superuser,
                f"{username}@bench.invalid",
                username,
                first - timedelta(days=rng.randint(-45, 1500))
                if role == Role.SALESPERSON
                else None,
                self.moment,
            )
            for pk, username, role, superuser in people
        )
        columns = ["id", "username", "password", "role", "is_superuser", "is_staff", "email"]
        columns += ["display_name", "started_on", "date_joined"]
        copy_rows(User, columns, rows, moment=self.moment)
        copy_rows(
            Region,
            ["id", "code", "name_zh", "name_en"],
            (
                (n, f"region-{n:02d}", f"区域{n:02d}", f"Region {n:02d}")
                for n in range(1, tier.regions + 1)
            ),
            moment=self.moment,
        )
        members = [(pk, self.region_of[pk]) for pk in self.salespeople]
        members += [(pk, region) for region, pk in self.managers.items()]
        members += [(pk, region) for region, pk in self.directors.items()]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {Region.members.through._meta.db_table} (user_id, region_id) "
                "VALUES (%s, %s)",
                members,
            )

    def _territories(self) -> None:
        tier = self.tier
        counties = list(
            Territory.objects.filter(level=Territory.Level.COUNTY)
            .order_by("path")
            .values_list(
                "pk", "parent_id", "parent__parent_id", "latitude", "longitude", "name_zh"
            )[: tier.territories]
        )
        self.territories = {}
        by_region: dict[int, list[int]] = {}
        for index, (pk, city, province, lat, lon, name) in enumerate(counties):
            region = 1 + index * tier.regions // len(counties)
            by_region.setdefault(region, []).append(pk)
            self.territories[pk] = (region, lat, lon, name, city, province)
        for region, pks in by_region.items():
            parents = {self.territories[pk][4] for pk in pks} | {
                self.territories[pk][5] for pk in pks
            }
            Territory.objects.filter(pk__in=pks).update(region_id=region)
            Territory.objects.filter(pk__in=parents, region__isnull=True).update(region_id=region)
        self.held: dict[int, list[int]] = {pk: [] for pk in self.salespeople}
        sellers_of = {}
        for pk in self.salespeople:
            sellers_of.setdefault(self.region_of[pk], []).append(pk)
        for region, pks in by_region.items():
            sellers = sellers_of[region]
            for index, territory in enumerate(pks):
                self.held[sellers[index % len(sellers)]].append(territory)
        started = add_months(self.months[0], -1)
        rows = (
            (territory, person, started, 1, self.moment)
            for person, territories in self.held.items()
            for territory in territories
        )
        copy_rows(
            Assignment,
            ["territory_id", "salesperson_id", "started_on", "created_by_id", "created_at"],
            rows,
            moment=self.moment,
        )

    # --- the book of business -------------------------------------------------------------

    def _customers(self) -> None:
        tier, rng = self.tier, self.rng("customers")
        # A few salespeople hold many times the median book (Pareto, capped at 50×).
        person_weights = [min(rng.paretovariate(1.2), 50.0) for _ in self.salespeople]
        person_cum = list(accumulate(person_weights))
        channels, channel_weights = zip(*CHANNEL_MIX, strict=True)
        channel_cum = list(accumulate(channel_weights))
        self.customers = []  # (pk, owner, territory, channel, revenue weight)
        self.book: dict[int, list[int]] = {pk: [] for pk in self.salespeople}
        rows = []
        for pk in range(1, tier.customers + 1):
            owner = self.salespeople[bisect_left(person_cum, rng.random() * person_cum[-1])]
            territory = rng.choice(self.held[owner])
            channel = channels[bisect_left(channel_cum, rng.random() * channel_cum[-1])]
            # The 80/20 of revenue: Pareto with α ≈ 1.16, capped so one customer stays plausible.
            weight = min(rng.paretovariate(1.16), 2000.0)
            self.customers.append((pk, owner, territory, channel, weight))
            self.book[owner].append(pk)
            _region, lat, lon, place, _city, _province = self.territories[territory]
            name = f"{place}客户{pk:06d}有限公司"
            demand = f"{rng.randint(1, 400) * 500}.00" if pk % 3 == 0 else None
            rows.append(
                (
                    pk,
                    name,
                    normalize_name(name),
                    channel,
                    territory,
                    owner,
                    _jitter(lat, rng),
                    _jitter(lon, rng),
                    demand,
                    self.moment,
                    self.moment,
                )
            )
        columns = ["id", "name", "normalized_name", "channel", "territory_id", "owner_id"]
        columns += ["latitude", "longitude", "estimated_monthly_demand", "created_at", "updated_at"]
        copy_rows(Customer, columns, rows, moment=self.moment)

    def _month_spans(self) -> list[tuple[date, datetime, float, float]]:
        """Each month's start (UTC), its length in seconds up to the end date, and its share of
        the activity (a little growth month on month)."""
        spans = []
        end = local_midnight(self.until).astimezone(UTC)
        for index, month in enumerate(self.months):
            start = local_midnight(month).astimezone(UTC)
            stop = min(local_midnight(add_months(month, 1)).astimezone(UTC), end)
            seconds = max((stop - start).total_seconds(), 0.0)
            share = (1.01**index) * seconds / (31 * 86400)
            spans.append((month, start, seconds, share))
        return spans

    def _per_month(self, total: int) -> list[tuple[date, datetime, float, int]]:
        spans = self._month_spans()
        shares = sum(share for *_rest, share in spans)
        counts = [int(total * share / shares) for *_rest, share in spans]
        counts[-1 if spans[-1][2] else -2] += total - sum(counts)
        return [(m, s, sec, n) for (m, s, sec, _share), n in zip(spans, counts, strict=True)]

    def _sales(self) -> None:
        rng = self.rng("sales")
        cum = list(accumulate(weight for *_rest, weight in self.customers))

        def rows():
            number = 0
            for month, start, seconds, count in self._per_month(self.tier.sales):
                offsets = sorted(rng.random() * seconds for _ in range(count))
                for offset in offsets:
                    number += 1
                    pk, owner, territory, channel, _weight = self.customers[
                        bisect_left(cum, rng.random() * cum[-1])
                    ]
                    cents = int(rng.lognormvariate(8.0, 0.9) * 100) + 100
                    profit = cents * rng.randint(8, 40) // 100
                    moment = start + timedelta(seconds=offset)
                    yield (
                        f"SO{number:09d}",
                        1,
                        moment,
                        month,
                        pk,
                        owner,
                        territory,
                        channel,
                        _money(cents),
                        _money(profit),
                        moment,
                    )

        columns = ["order_number", "line", "sold_at", "month", "customer_id", "salesperson_id"]
        columns += ["territory_id", "channel", "amount", "gross_profit", "updated_at"]
        count = copy_rows(Sale, columns, rows(), moment=self.moment)
        self.log(f"  {count} sales lines")

    def _visits(self) -> None:
        rng = self.rng("visits")
        # Visits follow revenue less steeply than sales do: big customers are seen more often,
        # small ones still get their calls.
        cum = list(accumulate(weight**0.5 for *_rest, weight in self.customers))
        kinds = list(Visit.Kind.values)
        colleagues: dict[int, list[int]] = {}
        for person in self.salespeople:
            colleagues.setdefault(self.region_of[person], []).append(person)

        def visitor(owner: int) -> int:
            if rng.random() >= SHARED_VISIT_SHARE:
                return owner
            return rng.choice(colleagues[self.region_of[owner]])

        def rows():
            for _month, start, seconds, count in self._per_month(self.tier.visits):
                for offset in sorted(rng.random() * seconds for _ in range(count)):
                    pk, owner, territory, _channel, _weight = self.customers[
                        bisect_left(cum, rng.random() * cum[-1])
                    ]
                    moment = start + timedelta(seconds=offset)
                    kind = rng.choice(kinds)
                    yield (visitor(owner), pk, territory, moment, kind, moment, moment)

        columns = ["salesperson_id", "customer_id", "territory_id", "visited_at", "kind"]
        columns += ["created_at", "updated_at"]
        copy_rows(Visit, columns, rows(), moment=self.moment)

    def _quotas(self) -> None:
        """Quotas near each person's own level of sales (some above, some below)."""
        rng = self.rng("quotas")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT salesperson_id, SUM(amount) / %s FROM {Sale._meta.db_table} "
                "GROUP BY salesperson_id ORDER BY salesperson_id",
                [len(self.months)],
            )
            average = dict(cursor.fetchall())
        rows = []
        for person in self.salespeople:
            base = float(average.get(person) or 10_000)
            for month in self.months:
                total = base * rng.uniform(0.8, 1.3)
                for channel, percent in QUOTA_SPLIT:
                    rows.append((person, month, channel, _money(int(total * percent))))
        copy_rows(Quota, ["salesperson_id", "month", "channel", "amount"], rows, moment=self.moment)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {RegionQuota._meta.db_table} (region_id, month, amount) "
                f"SELECT m.region_id, q.month, SUM(q.amount) FROM {Quota._meta.db_table} q "
                f"JOIN {Region.members.through._meta.db_table} m ON m.user_id = q.salesperson_id "
                "GROUP BY m.region_id, q.month"
            )

    # --- field work and its costs ---------------------------------------------------------

    def _plan_rows(self):
        """One trip a month per salesperson: done in past months; this month's waiting for a
        decision for about a third of the people (the approval queues have work)."""
        rng = self.rng("plans")
        current = self.months[-1]
        plan_id = 0
        self.plans = {}
        for month in self.months:
            for person in self.salespeople:
                plan_id += 1
                day = month + timedelta(days=rng.randint(0, 20))
                if month < current:
                    status = TripPlan.Status.COMPLETED
                elif plan_id % 3 == 0:
                    status = TripPlan.Status.SUBMITTED
                else:
                    status = TripPlan.Status.APPROVED
                self.plans[person, month] = (plan_id, day)
                submitted = local_midnight(day - timedelta(days=5))
                costs = [_money(rng.randint(200, 3000) * 100) for _ in range(5)]
                yield (
                    plan_id,
                    person,
                    self.region_of[person],
                    f"{month:%Y-%m} #{plan_id}",
                    day,
                    day + timedelta(days=2),
                    status,
                    *costs,
                    submitted,
                    submitted,
                    submitted,
                )

    def _plans(self) -> None:
        columns = ["id", "salesperson_id", "region_id", "title", "starts_on", "ends_on", "status"]
        columns += ["estimated_lodging", "estimated_transport", "estimated_phone"]
        columns += ["estimated_entertainment", "estimated_other", "submitted_at", "created_at"]
        columns += ["updated_at"]
        copy_rows(TripPlan, columns, self._plan_rows(), moment=self.moment)
        rng = self.rng("planned-visits")

        def planned():
            for (person, _month), (plan_id, day) in self.plans.items():
                book = self.book[person]
                if not book:
                    continue
                for position in range(PLANNED_VISITS_PER_PLAN):
                    yield (
                        plan_id,
                        rng.choice(book),
                        day + timedelta(days=position % 3),
                        "回访客户，了解需求",
                        position,
                    )

        copy_rows(
            PlannedVisit,
            ["plan_id", "customer_id", "day", "purpose", "route_position"],
            planned(),
            moment=self.moment,
        )

    def _claims(self) -> None:
        rng = self.rng("claims")
        current = self.months[-1]
        claims, items = [], []
        categories = list(ExpenseCategory.values)
        claim_id = 0
        for month in self.months:
            for person in self.salespeople:
                claim_id += 1
                region = self.region_of[person]
                submitted = local_midnight(add_months(month, 1) - timedelta(days=1))
                if month < current:
                    decided = submitted + timedelta(days=2)
                    claims.append(
                        (
                            claim_id,
                            person,
                            region,
                            month,
                            ExpenseClaim.Status.APPROVED,
                            submitted,
                            decided.date(),
                            decided,
                            self.managers[region],
                            True,
                            submitted,
                        )
                    )
                else:
                    status = (
                        ExpenseClaim.Status.SUBMITTED
                        if claim_id % 3 == 0
                        else ExpenseClaim.Status.DRAFT
                    )
                    claims.append(
                        (
                            claim_id,
                            person,
                            region,
                            month,
                            status,
                            local_midnight(self.until) if status == "submitted" else None,
                            None,
                            None,
                            None,
                            None,
                            self.moment,
                        )
                    )
                plan_id, day = self.plans[person, month]
                for number in range(ITEMS_PER_CLAIM):
                    category = categories[number % len(categories)]
                    items.append(
                        (
                            claim_id,
                            min(day + timedelta(days=number % 3), self.until),
                            category,
                            _money(rng.randint(20, 1500) * 100),
                            f"INV{claim_id:07d}{number:02d}",
                            plan_id if category in ("lodging", "transport") else None,
                        )
                    )
        columns = ["id", "salesperson_id", "region_id", "month", "status", "submitted_at"]
        columns += ["decision_due_on", "decided_at", "decided_by_id", "decided_on_time"]
        columns += ["created_at"]
        copy_rows(ExpenseClaim, columns, claims, moment=self.moment)
        copy_rows(
            ExpenseItem,
            ["claim_id", "spent_on", "category", "amount", "invoice_number", "trip_plan_id"],
            items,
            moment=self.moment,
        )

    def _score(self) -> None:
        score_periods(periods_touching(self.months[0], self.months[-1]))


def _without_triggers() -> None:
    """History triggers record what people change; a bulk load is not that (and the rows are
    consistent by construction, so the foreign-key triggers can rest too). Needs a superuser;
    without one the load simply runs with the triggers."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        logger.info("Not a superuser: the bulk load runs with the triggers on.")


def _generated_tables() -> list[str]:
    models = [User, Region, Assignment, Customer, Sale, Visit, Quota, RegionQuota, TripPlan]
    models += [PlannedVisit, ExpenseClaim, ExpenseItem]
    return [model._meta.db_table for model in models]


def _derive_customer_facts() -> None:
    """What the services keep on a customer: a first sale makes a prospect a customer
    (rules.md §3.1), and the latest visit is the last contact; and what the triggers resting
    during the load keep beside it, its name apart for search (migration customers/0019)."""
    customers, sales, visits = (m._meta.db_table for m in (Customer, Sale, Visit))
    with connection.cursor() as cursor:
        names = Customer.NAMES_APART
        cursor.execute(f"TRUNCATE {names}")
        cursor.execute(f"INSERT INTO {names} (customer_id, name) SELECT id, name FROM {customers}")
        cursor.execute(
            f"UPDATE {customers} c SET status = 'customer' "
            f"WHERE EXISTS (SELECT 1 FROM {sales} s WHERE s.customer_id = c.id)"
        )
        cursor.execute(
            f"UPDATE {customers} c SET last_contacted_at = v.latest FROM "
            f"(SELECT customer_id, MAX(visited_at) AS latest FROM {visits} GROUP BY customer_id) v "
            "WHERE v.customer_id = c.id"
        )


def _started_on(first_month: date, rng: random.Random) -> date:
    """Most people joined years ago; a few join during the data (their probation shows)."""
    return first_month - timedelta(days=rng.randint(-45, 1500))


def _jitter(value, rng: random.Random):
    if value is None:
        return None
    return f"{float(value) + rng.uniform(-0.2, 0.2):.5f}"


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


# --- the manifest ----------------------------------------------------------------------------


def monthly_totals_checksum() -> str:
    """SHA-256 over every (salesperson, month, total) of the sale lines, in a fixed order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT salesperson_id, month, SUM(amount) FROM {Sale._meta.db_table} "
            "GROUP BY salesperson_id, month ORDER BY salesperson_id, month"
        )
        digest = hashlib.sha256()
        for person, month, total in cursor.fetchall():
            digest.update(f"{person}|{month:%Y-%m}|{total}\n".encode())
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    from sales.models import Attainment, SalesRollup

    models = [User, Region, Territory, Assignment, Customer, Visit, Sale, SalesRollup, Quota]
    models += [Attainment, TripPlan, PlannedVisit, ExpenseClaim, ExpenseItem]
    with connection.cursor() as cursor:
        counts = {}
        for model in models:
            cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")
            counts[model._meta.label] = cursor.fetchone()[0]
    return counts


def _manifest(tier: Tier, seed: int, until: date, seconds: float) -> dict:
    return {
        "tier": tier.name,
        "seed": seed,
        "until": until.isoformat(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "generation_seconds": round(seconds, 1),
        "rows": row_counts(),
        "monthly_totals_sha256": monthly_totals_checksum(),
    }


def _store_manifest(manifest: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MANIFEST_TABLE} "
            "(id serial PRIMARY KEY, manifest jsonb NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {MANIFEST_TABLE}")
        cursor.execute(
            f"INSERT INTO {MANIFEST_TABLE} (manifest) VALUES (%s)", [json.dumps(manifest)]
        )


def read_manifest() -> dict | None:
    """The manifest of the generated data in this database, or None when there is none."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        if MANIFEST_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT manifest FROM {MANIFEST_TABLE} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])
