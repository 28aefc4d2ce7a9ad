"""A version of what the 80/20's marks read besides a ranking (`CellsVersion` "marks", read by
`rollups.kept.kept_marks`): every customer's own row (its copy of its value, its class, its
last contact) and each salesperson's cost per visit. Triggers change it with every committed
write to either table, whoever writes: a contact logged, a class set, a value copied, a rate
moved.

As the ranking's version (migration 0010), PostgreSQL changes it as the writing transaction
commits: each write notes its transaction in `rollups_marks_pending`, and a deferred trigger on
that note draws the number once per transaction, at commit, so no writer of customers waits
for another's long transaction. Until then the transaction's own reads are not kept. SQLite
runs one writer at a time: a trigger per row draws a random number at once. A table that
SQLite's migrations copy into a new one loses its triggers: tests/rollups/test_kept_marks.py
checks they are there."""

from django.db import migrations

MARKS = "marks"
PENDING = "rollups_marks_pending"
COMMITTING = "rollups_marks_committing"
WRITTEN = "rollups_marks_written"
TABLES = ("customers_customer", "rollups_visitorrate")

POSTGRESQL = (
    f"""
CREATE TABLE {PENDING} (txid bigint PRIMARY KEY);
CREATE FUNCTION {COMMITTING}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {PENDING} WHERE txid = NEW.txid;
    INSERT INTO rollups_cellsversion (cells, version)
    VALUES ('{MARKS}', nextval('rollups_cellsversion_seq'))
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER {COMMITTING} AFTER INSERT ON {PENDING}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {COMMITTING}();
CREATE FUNCTION {WRITTEN}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {PENDING} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
"""
    + "".join(
        f"""CREATE TRIGGER {WRITTEN} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {WRITTEN}();
"""
        for table in TABLES
    )
    + f"""
INSERT INTO rollups_cellsversion (cells, version)
VALUES ('{MARKS}', nextval('rollups_cellsversion_seq'));
"""
)

POSTGRESQL_REVERSE = (
    "".join(f"DROP TRIGGER {WRITTEN} ON {table};\n" for table in TABLES)
    + f"DROP FUNCTION {WRITTEN}();\nDROP TABLE {PENDING};\nDROP FUNCTION {COMMITTING}();\n"
)

SQLITE = """
CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN
    INSERT INTO rollups_cellsversion (cells, version) VALUES ('{marks}', random())
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
END
"""


def sqlite_triggers() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER) for every write to every table the marks read."""
    triggers = []
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{WRITTEN}_{table}_{event.lower()}"
            create = SQLITE.format(name=name, event=event, table=table, marks=MARKS)
            triggers.append((name, create))
    return triggers


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        for _name, create in sqlite_triggers():
            schema_editor.execute(create)
        schema_editor.execute(
            f"INSERT INTO rollups_cellsversion (cells, version) VALUES ('{MARKS}', random())"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        for name, _create in sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(f"DELETE FROM rollups_cellsversion WHERE cells = '{MARKS}'")


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0021_ranking_triggers_on_customers_again"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
