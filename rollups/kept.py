"""Reads of the sales cells, and of what ranks customers, kept between requests while what
they read stays as it is.

Head office's and a director's rollup pages add up a year of the whole company's sales cells:
the months by channel, the regions side by side, the 80/20 split. At tier L that is nearly
three million cells, read again on every open, though the cells change only when sales do (an
import, a correction, the night's rebuild). Such a read is kept in the cache with the cells'
version (`CellsVersion`, changed by a trigger in the same transaction as every write to the
cells), and used as long as the version read at the start of the request is the same.

Why it is never stale: the version is read before the cells. Whatever cells the read then
sees were committed with that version or a later one; a later one differs, so a result kept
under an older number is only ever computed again, never served for newer cells. A version
is never handed out twice (migration 0009), so neither is a result kept inside a transaction
that rolled back. Without a version on record (a database whose cells were never written
since it was emptied), nothing is kept.

The rollup pages of several regions add up more than sales: the monthly scores of everyone
in them, their visits and their customers' classes, thirteen months of each for the charts
(at tier L, 13,000 scores and 31,000 activity cells). These reads are kept the same way, each
under the versions of the tables it reads ("scores", "activity", "classes", migration 0016),
which only the jobs change. The scores and the classes change with an import or at night;
the activity cells with each visit's job, so during a working day that read is kept for
minutes, not hours. The quotas of each channel, and the scores and quotas a province or a city
holds (the shares), are kept the same way ("quotas", "shares", migration 0017): the quotas
change when someone sets them, the shares with the rollup's jobs.

A ranking of customers (every customer's gross profit, from which the 80/20 reads its
population, total, threshold and ranks: `kept_rows`) is kept
the same way under the version "ranking", changed by every write that could move a ranking:
a customer's gross profit or window, a customer's status, territory or name, a territory, a
region or its members (migration 0010). Logging a visit rewrites the customer's value without
moving its gross profit, so it does not change the version. On PostgreSQL that version
changes as the writing transaction commits, so that no writer of customers waits for a long
one; until then, the writing transaction's own reads are not kept.

The 80/20's counts of its marks read more than a ranking: each customer's own row (its copy of
its value, its class, its last contact) and each salesperson's cost per visit. They are kept
under the ranking's version and the version "marks" together (`kept_marks`), which every
write to the customers or the rates changes (migration 0022): a contact logged, a class set, a
value copied. The version is the company's, so a write to any customer reads every scope's
counts again: during a working day at tier L a visit is logged every few seconds somewhere in
the company, and the counts are kept for seconds to minutes then, and overnight for hours.

Each process keeps its own copies (the default cache): the first open after a change in each
pays for the read, as every open did before.
"""

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache as once
from functools import partial
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Expression, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from rollups.models import CellsVersion
from salesops.models import CompanySettings

SALES = "sales"  # the sales cells' row of CellsVersion, written by migration 0009's trigger
# The monthly scores', the activity cells' and the class cells' rows (migration 0016's triggers).
SCORES, ACTIVITY, CLASSES = "scores", "activity", "classes"
# The quotas' row, and the shares' (the scores and channel quotas placed in the territory tree,
# written by the rollup's jobs): migration 0017's triggers.
QUOTAS, SHARES = "quotas", "shares"
FIGURES = (SALES, SCORES, ACTIVITY, CLASSES, QUOTAS, SHARES)
# What a ranking of customers reads, whose every write that could move a ranking changes the
# row "ranking" of CellsVersion (migration 0010's triggers).
RANKING = "ranking"
RANKING_TABLES = frozenset(
    {
        "customers_customer",
        "rollups_customervalue",
        "territories_territory",
        "territories_region",
        "territories_region_members",
    }
)
# What the 80/20's marks read besides a ranking, whose every write changes the row "marks"
# (migration 0022's triggers).
MARKS = "marks"
MARK_TABLES = RANKING_TABLES | {"rollups_visitorrate"}
QUOTED_NAME = re.compile(r'"([^"]+)"')
# Whether this transaction noted a write that could move a ranking (migration 0010): a
# transaction that has written nothing has no id, and asking for one with txid_current() would
# give it one.
WRITTEN_HERE = "EXISTS (SELECT 1 FROM {pending} WHERE txid = txid_current_if_assigned())"
PENDING = {RANKING: "rollups_ranking_pending", MARKS: "rollups_marks_pending"}
KEPT_FOR_SECONDS = 24 * 60 * 60  # a bound on memory only: a stale copy is never used
T = TypeVar("T")


def figures_versions() -> dict[str, int | None]:
    """The versions of every table the rollup pages keep reads of (FIGURES), in one query;
    None for a table whose version is not on record."""
    found = dict(CellsVersion.objects.filter(cells__in=FIGURES).values_list("cells", "version"))
    return {cells: found.get(cells) for cells in FIGURES}


def version_of_cells(cells: str) -> Subquery:
    """A version as an expression, for a query that the page runs anyway to carry."""
    return Subquery(CellsVersion.objects.filter(cells=cells).values("version")[:1])


def versions_carried() -> dict[str, Subquery]:
    """Every version of FIGURES as an expression (`version_<cells>`): a query the page runs
    anyway carries them, and `carried_versions` reads them off one of its rows."""
    return {f"version_{cells}": version_of_cells(cells) for cells in FIGURES}


def carried_versions(row) -> dict[str, int | None]:
    return {cells: getattr(row, f"version_{cells}") for cells in FIGURES}


def kept_read(
    key: str,
    version: int | tuple | None,
    read: Callable[[], T],
    holds: Callable[[T], bool] | None = None,
) -> T:
    """`read()`, or what it returned for the same key at the same version. `read` must read
    only tables whose version this is, and return rows, not a lazy queryset. A read of several
    versioned tables passes their versions as a tuple; it is kept only when all are on
    record. A read that also depends on something no version follows (the clock) passes
    `holds`, which says whether what was kept still answers this request."""
    if version is None or (isinstance(version, tuple) and None in version):
        return read()
    key = f"rollups:{connection.settings_dict['NAME']}:{key}"
    found = cache.get(key)
    if found is not None and found[0] == version and (holds is None or holds(found[1])):
        return found[1]
    rows = read()
    cache.set(key, (version, rows), KEPT_FOR_SECONDS)
    return rows


def kept_rows(
    queryset: QuerySet,
    make: Callable[[Iterable], T] = list,
    *,
    version: Callable[[], int | None] | None = None,
) -> T:
    """What `make` builds from the rows of `queryset`, a statement reading the ranking's tables
    alone (RANKING_TABLES), kept while the ranking's version stays the same: one query for
    the version instead of the statement. The key is the statement itself, its SQL and
    parameters, which name the scope (a user's regions or territories), the window and
    whatever else it asks; what the scope's territories and regions hold is read when it
    runs, and is versioned with the rest. A statement that reads any other table is run
    every time. `version` reads the ranking's version (`settings_and_keepers` passes one
    already read)."""
    statement = queryset.query.sql_with_params()
    if not _tables_read(statement[0]) <= RANKING_TABLES:
        return make(queryset)
    read_version = version or _ranking_version
    return kept_read(f"statement:{_key_of(statement)}", read_version(), lambda: make(queryset))


def kept_marks(
    querysets: Sequence[QuerySet],
    read: Callable[[], T],
    *,
    holds: Callable[[T], bool] | None = None,
    version: Callable[[], tuple[int | None, int | None]] | None = None,
) -> T:
    """What `read` returns, kept while the ranking's version and the marks' stay the same and
    `holds` (see `kept_read`) says it answers. `read` must read only what the statements
    `querysets` read, and those only the marks' tables (MARK_TABLES); their SQL and parameters
    are the key, as for `kept_rows`. Statements reading any other table are run every time.
    `version` reads the two versions (`settings_and_keepers` passes them already read)."""
    statements = [queryset.query.sql_with_params() for queryset in querysets]
    if not all(_tables_read(sql) <= MARK_TABLES for sql, _params in statements):
        return read()
    read_version = version or partial(_read_versions, RANKING, MARKS)
    return kept_read(f"marks:{_key_of(statements)}", read_version(), read, holds)


def settings_and_keepers() -> tuple[CompanySettings, Callable, Callable]:
    """The company settings in force, `kept_rows` for a ranking and `kept_marks` for the counts
    of its marks. When this request reads the settings now, the ranking's and the marks'
    versions ride in the same statement: a page that ranks reads all three, and the manager's
    home pays one query for them instead of two."""
    settings_row, carried = CompanySettings.current_carrying(**_versions_carried(RANKING, MARKS))
    if carried is None:
        return settings_row, kept_rows, kept_marks
    ranking, marks = (_carried_version(carried, cells) for cells in (RANKING, MARKS))
    return (
        settings_row,
        partial(kept_rows, version=lambda: ranking),
        partial(kept_marks, version=lambda: (ranking, marks)),
    )


def _ranking_version() -> int | None:
    return _read_versions(RANKING)[0]


def _read_versions(*cells: str) -> tuple[int | None, ...]:
    """These rows' versions; None (nothing kept) for one not on record, or inside a
    transaction that has written what could move it and not yet committed, whose reads see
    rows nobody else does: on PostgreSQL the versions change only as that transaction commits
    (migrations 0010 and 0022)."""
    written = _written_here(*cells)
    rows = (
        CellsVersion.objects.filter(cells__in=cells)
        .annotate(**written)
        .values("cells", "version", *written)
    )
    found = {
        row["cells"]: _usable(row["version"], row.get(f"{row['cells']}_written")) for row in rows
    }
    return tuple(found.get(name) for name in cells)


def _versions_carried(*cells: str) -> dict[str, Expression]:
    """These rows' versions and `_written_here`, as expressions another statement carries."""
    versions = {f"{name}_version": version_of_cells(name) for name in cells}
    return versions | _written_here(*cells)


def _carried_version(carried: dict, cells: str) -> int | None:
    return _usable(carried[f"{cells}_version"], carried.get(f"{cells}_written", False))


def _written_here(*cells: str) -> dict[str, Expression]:
    """On PostgreSQL, whether this transaction noted a write that could move each row."""
    if connection.vendor != "postgresql":
        return {}
    return {
        f"{name}_written": RawSQL(WRITTEN_HERE.format(pending=PENDING[name]), [], BooleanField())  # noqa: S611 (constant)
        for name in cells
    }


def _key_of(statements) -> str:
    return hashlib.sha256(repr(statements).encode()).hexdigest()


def _usable(version: int | None, written_here: bool | None = False) -> int | None:
    return None if written_here else version


def _tables_read(sql: str) -> set[str]:
    # Django quotes every table it names; a column that shares a table's name is harmless.
    return set(QUOTED_NAME.findall(sql)) & _tables()


@once
def _tables() -> frozenset[str]:
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))
