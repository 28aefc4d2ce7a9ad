"""Reads of the sales cells kept between requests, while the cells stay as they are.

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

Each process keeps its own copies (the default cache): the first open after a change in each
pays for the read, as every open did before.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Subquery

from rollups.models import CellsVersion

SALES = "sales"  # the sales cells' row of CellsVersion, written by migration 0009's trigger
KEPT_FOR_SECONDS = 24 * 60 * 60  # a bound on memory only: a stale copy is never used
T = TypeVar("T")


def sales_cells_version() -> int | None:
    """The sales cells' version now; None when it is not on record."""
    return CellsVersion.objects.filter(cells=SALES).values_list("version", flat=True).first()


def version_of_cells() -> Subquery:
    """The version as an expression, for a query that the page runs anyway to carry."""
    return Subquery(CellsVersion.objects.filter(cells=SALES).values("version")[:1])


def kept_read(key: str, version: int | None, read: Callable[[], T]) -> T:
    """`read()` of the sales cells, or what it returned for the same key at the same version.
    `read` must read the sales cells alone, and return rows, not a lazy queryset."""
    if version is None:
        return read()
    key = f"rollups:{connection.settings_dict['NAME']}:{key}"
    found = cache.get(key)
    if found is not None and found[0] == version:
        return found[1]
    rows = read()
    cache.set(key, (version, rows), KEPT_FOR_SECONDS)
    return rows
