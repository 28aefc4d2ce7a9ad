"""A version of the sales cells (`CellsVersion`, read by `rollups.kept`), changed by a trigger
in the same transaction as every statement that writes the cells, whoever writes them: the
rollup's jobs, a deleted customer's cascade, a data fix by hand.

PostgreSQL: one trigger per statement, its number from a sequence (never handed out twice,
even by a transaction that rolls back). SQLite has no statement triggers and no sequences: a
trigger per written row draws a random 64-bit number. The cells as they stand get their
first version here. A table that SQLite's migrations copy
into a new one loses its triggers: tests/rollups/test_kept.py checks they are there."""

from django.db import migrations, models

SALES = "sales"
TABLE = "rollups_salescell"
FUNCTION = "rollups_sales_cells_changed"

POSTGRESQL = f"""
CREATE SEQUENCE rollups_cellsversion_seq;
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rollups_cellsversion (cells, version)
    VALUES ('{SALES}', nextval('rollups_cellsversion_seq'))
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;
CREATE TRIGGER {FUNCTION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
INSERT INTO rollups_cellsversion (cells, version)
VALUES ('{SALES}', nextval('rollups_cellsversion_seq'));
"""
POSTGRESQL_REVERSE = f"""
DROP TRIGGER {FUNCTION} ON {TABLE};
DROP FUNCTION {FUNCTION}();
DROP SEQUENCE rollups_cellsversion_seq;
"""
SQLITE_EVENTS = ("insert", "update", "delete")
SQLITE = """
CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN
    INSERT INTO rollups_cellsversion (cells, version) VALUES ('{sales}', random())
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
END
"""


def _sqlite_triggers() -> list[tuple[str, str]]:
    return [
        (
            f"{FUNCTION}_{event}",
            SQLITE.format(name=f"{FUNCTION}_{event}", event=event.upper(), table=TABLE, sales=SALES),
        )
        for event in SQLITE_EVENTS
    ]


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        for _name, create in _sqlite_triggers():
            schema_editor.execute(create)
        schema_editor.execute(
            f"INSERT INTO rollups_cellsversion (cells, version) VALUES ('{SALES}', random())"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        for name, _create in _sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER {name}")


class Migration(migrations.Migration):
    dependencies = [("rollups", "0008_covering_indexes_for_customer_values")]

    operations = [
        migrations.CreateModel(
            name="CellsVersion",
            fields=[
                (
                    "cells",
                    models.CharField(
                        max_length=20, primary_key=True, serialize=False, verbose_name="cells"
                    ),
                ),
                ("version", models.BigIntegerField(verbose_name="version")),
            ],
            options={
                "verbose_name": "version of the cells",
                "verbose_name_plural": "versions of the cells",
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
