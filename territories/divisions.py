"""Load China's administrative divisions (province → city → county) into the territory tree.

The data file is `territories/data/divisions.csv` (its source and licence: data/SOURCE.md).
Loading is an upsert keyed by the official code, level by level, so it can run again after a
new edition of the codes without touching regions, assignments or customers.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from territories.models import Territory

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"
LEVELS = [Territory.Level.PROVINCE, Territory.Level.CITY, Territory.Level.COUNTY]
UPDATED_FIELDS = ["parent", "level", "path", "name_zh", "name_en", "latitude", "longitude"]


def read_rows(path: Path = DIVISIONS_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _coordinate(value: str) -> Decimal | None:
    return Decimal(value).quantize(Decimal("0.00001")) if value else None


@transaction.atomic
def load_divisions(rows: list[dict[str, str]] | None = None) -> int:
    """Upsert every division; returns how many rows were written."""
    rows = read_rows() if rows is None else rows
    written = 0
    for level in LEVELS:
        parents = dict(Territory.objects.values_list("code", "pk"))
        paths = dict(Territory.objects.values_list("code", "path"))
        batch = [
            Territory(
                code=row["code"],
                parent_id=parents.get(row["parent_code"]) if row["parent_code"] else None,
                level=level,
                path=f"{paths.get(row['parent_code'], '')}{row['code']}/",
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                latitude=_coordinate(row["latitude"]),
                longitude=_coordinate(row["longitude"]),
            )
            for row in rows
            if row["level"] == level
        ]
        Territory.objects.bulk_create(
            batch,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=UPDATED_FIELDS,
        )
        written += len(batch)
    return written
