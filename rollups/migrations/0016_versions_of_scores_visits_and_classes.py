"""Versions of the monthly scores ("scores"), the activity cells ("activity") and the class
cells ("classes"), kept in `CellsVersion` beside the sales cells' and changed the same way
(migration 0009): by a trigger in the writer's transaction, on every statement that writes the
table, whoever writes. The rollup pages of several regions keep what they add up from these
tables between requests while their versions stay the same (`rollups.kept`).

Only jobs write these tables: the rollup's writers, one at a time under its advisory lock,
and the scoring. The version's row is locked from the writer's first statement until it
commits, so only those jobs ever wait for it. On PostgreSQL the trigger runs before the
statement: a second scoring waits there before it has locked any score, instead of locking
its people's scores and then waiting for the first one's standings, which rank every score
of the month. The numbers come from migration 0009's sequence on PostgreSQL; SQLite draws a
random 64-bit number per written row. A table that SQLite's migrations copy into a new one
loses its triggers: tests/rollups/test_kept.py checks they are there."""

from django.db import migrations

FUNCTION = "rollups_figures_changed"
TABLES = {
    "scores": "reports_attainment",
    "activity": "rollups_activitycell",
    "classes": "rollups_classcell",
}

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollups_cellsversion (cells, version)
    VALUES (TG_ARGV[0], nextval('rollups_cellsversion_seq'))
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;
"""
POSTGRESQL_TRIGGER = """
CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {function}('{cells}');
INSERT INTO rollups_cellsversion (cells, version)
VALUES ('{cells}', nextval('rollups_cellsversion_seq'));
"""
SQLITE_EVENTS = ("insert", "update", "delete")
SQLITE = """
CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN
    INSERT INTO rollups_cellsversion (cells, version) VALUES ('{cells}', random())
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
END
"""


def _sqlite_name(cells: str, event: str) -> str:
    return f"{FUNCTION}_{cells}_{event}"


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION)
        for cells, table in TABLES.items():
            schema_editor.execute(
                POSTGRESQL_TRIGGER.format(function=FUNCTION, table=table, cells=cells)
            )
    elif vendor == "sqlite":
        for cells, table in TABLES.items():
            for event in SQLITE_EVENTS:
                name = _sqlite_name(cells, event)
                schema_editor.execute(
                    SQLITE.format(name=name, event=event.upper(), table=table, cells=cells)
                )
            schema_editor.execute(
                f"INSERT INTO rollups_cellsversion (cells, version) VALUES ('{cells}', random())"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES.values():
            schema_editor.execute(f"DROP TRIGGER {FUNCTION} ON {table}")
        schema_editor.execute(f"DROP FUNCTION {FUNCTION}()")
    elif vendor == "sqlite":
        for cells in TABLES:
            for event in SQLITE_EVENTS:
                schema_editor.execute(f"DROP TRIGGER {_sqlite_name(cells, event)}")
    if vendor in ("postgresql", "sqlite"):
        cells = ", ".join(f"'{name}'" for name in TABLES)
        schema_editor.execute(f"DELETE FROM rollups_cellsversion WHERE cells IN ({cells})")


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0015_customer_values_price_one_visitor_when_read"),
        ("sales", "0010_quota_month"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
