"""Streaming rows into PostgreSQL with COPY (the loader behind `generate_data`).

Rows are produced lazily and encoded in COPY's text format, so tens of millions of lines never
sit in memory at once. Every non-null column the caller does not name gets the model field's
own default, the value Django would have written."""

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def encode(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


class _RowStream:
    """A file-like reader over encoded rows, as psycopg2's `copy_expert` wants."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines
        self._buffer = ""

    def read(self, size: int = -1) -> str:
        wanted = size if size and size > 0 else 1 << 20
        parts, length = [self._buffer], len(self._buffer)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if length >= wanted:
                break
        data = "".join(parts)
        self._buffer = data[wanted:]
        return data[:wanted]

    readline = read


def _field_defaults(model: type[models.Model], named: list[str], moment: datetime) -> dict:
    """The columns the caller leaves out, with the value Django itself would write."""
    defaults = {}
    for field in model._meta.concrete_fields:
        if field.attname in named or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.column] = moment
        elif field.has_default():
            defaults[field.column] = field.get_db_prep_save(field.get_default(), connection)
        elif field.null:
            defaults[field.column] = None
        elif field.blank and isinstance(field, (models.CharField, models.TextField)):
            defaults[field.column] = ""
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
    return defaults


def copy_rows(
    model: type[models.Model],
    columns: list[str],
    rows: Iterable[tuple],
    *,
    moment: datetime,
) -> int:
    """COPY `rows` (tuples in the order of `columns`, attnames such as `customer_id`) into the
    model's table. Returns how many rows went in."""
    defaults = _field_defaults(model, columns, moment)
    names = [_column(model, name) for name in columns] + list(defaults)
    tail = "".join("\t" + encode(value) for value in defaults.values())
    counted = [0]

    def lines() -> Iterator[str]:
        for row in rows:
            counted[0] += 1
            yield "\t".join(map(encode, row)) + tail + "\n"

    quoted = ", ".join(connection.ops.quote_name(name) for name in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({quoted}) FROM STDIN", _RowStream(lines()), size=1 << 18
        )
    return counted[0]


def _column(model: type[models.Model], attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.column
    raise ValueError(f"{model.__name__} has no column {attname}")


def reset_sequences(*tables: str) -> None:
    """After explicit ids went in: the next ordinary insert continues after the highest."""
    with connection.cursor() as cursor:
        for table in tables:
            highest = f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}"
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}), false)", [table]
            )
