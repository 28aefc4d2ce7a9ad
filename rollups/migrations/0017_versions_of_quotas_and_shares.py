"""Versions of the quotas ("quotas") and of the scores' and channel quotas' shares placed in the
territory tree ("shares"), kept in `CellsVersion` beside the others and changed the same way
(migrations 0009 and 0016): by a trigger in the writer's transaction, on every statement that
writes the table, whoever writes. The rollup pages keep what they add up from these tables
between requests while their versions stay the same (`rollups.kept`).

The shares are written by the rollup's writers alone, one at a time. The quotas are written by
people too (the quota grid, a copy of last month's): such a change holds the version's row
from its first statement until it commits, so a second quota change waits for the first, as
the scoring's writers wait for each other (0016); nothing else waits for it. The function is
migration 0016's. A table that SQLite's migrations copy into a new one loses its triggers:
tests/rollups/test_kept.py checks they are there."""

from django.db import migrations

FUNCTION = "rollups_figures_changed"  # migration 0016's, on PostgreSQL
TABLES = {
    "territories_quota": "quotas",
    "rollups_scoreshare": "shares",
    "rollups_channelquotashare": "shares",
}

POSTGRESQL_TRIGGER = """
CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {function}('{cells}')
"""
POSTGRESQL_FIRST_VERSION = """
INSERT INTO rollups_cellsversion (cells, version)
VALUES ('{cells}', nextval('rollups_cellsversion_seq')) ON CONFLICT (cells) DO NOTHING
"""
SQLITE_EVENTS = ("insert", "update", "delete")
SQLITE = """
CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN
    INSERT INTO rollups_cellsversion (cells, version) VALUES ('{cells}', random())
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
END
"""
SQLITE_FIRST_VERSION = """
INSERT INTO rollups_cellsversion (cells, version) VALUES ('{cells}', random())
ON CONFLICT (cells) DO NOTHING
"""


def _sqlite_name(table: str, event: str) -> str:
    return f"{FUNCTION}_{table}_{event}"


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table, cells in TABLES.items():
            schema_editor.execute(
                POSTGRESQL_TRIGGER.format(function=FUNCTION, table=table, cells=cells)
            )
            schema_editor.execute(POSTGRESQL_FIRST_VERSION.format(cells=cells))
    elif vendor == "sqlite":
        for table, cells in TABLES.items():
            for event in SQLITE_EVENTS:
                name = _sqlite_name(table, event)
                schema_editor.execute(
                    SQLITE.format(name=name, event=event.upper(), table=table, cells=cells)
                )
            schema_editor.execute(SQLITE_FIRST_VERSION.format(cells=cells))


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER {FUNCTION} ON {table}")
    elif vendor == "sqlite":
        for table in TABLES:
            for event in SQLITE_EVENTS:
                schema_editor.execute(f"DROP TRIGGER {_sqlite_name(table, event)}")
    if vendor in ("postgresql", "sqlite"):
        cells = ", ".join(f"'{name}'" for name in set(TABLES.values()))
        schema_editor.execute(f"DELETE FROM rollups_cellsversion WHERE cells IN ({cells})")


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0016_versions_of_scores_visits_and_classes"),
        ("sales", "0010_quota_month"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
