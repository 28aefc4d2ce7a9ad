"""A version of what a ranking of customers reads (`CellsVersion` "ranking", read by
`rollups.kept.kept_rows`): each customer's twelve months' gross profit (the customer values),
the customers' status, territory and name, and the territories and regions that scope them.
Triggers change it with every committed write that could move a ranking, whoever writes.

The customer values are rewritten whenever a visit is logged (their visits and visit cost),
which does not move a ranking: on PostgreSQL their trigger runs once per statement and looks
at the rows the statement wrote (its transition tables), and counts the write only when a
gross profit, a window or a customer moved. The customers' trigger fires on their status,
territory and name alone (a contact logged writes their last contact).

PostgreSQL changes the version as the writing transaction commits, not as it writes: the
version is one row, and a writer holds its lock until it commits, so a write early in a long
transaction (a customer import, the nightly rebuild) would make every other writer of
customers wait for that transaction. Each write notes its transaction in
`rollups_ranking_pending` (no lock between transactions), and a deferred trigger on that note,
run once per transaction at commit, draws the number (migration 0009's sequence) and removes
the note. Until then the transaction's own reads are not kept (`rollups.kept`), as they see
rows nobody else does. SQLite runs one writer at a time: a trigger per row draws a random
number at once. A table that SQLite's migrations copy into a new one loses its triggers:
tests/rollups/test_kept_ranking.py checks they are there."""

from django.db import migrations

RANKING = "ranking"
WRITTEN = "rollups_ranking_written"
VALUES_WRITTEN = "rollups_ranked_values_written"
COMMITTING = "rollups_ranking_committing"
PENDING = "rollups_ranking_pending"
VALUES = "rollups_customervalue"
CUSTOMERS = "customers_customer"
# Tables whose every write counts: they only scope a ranking, and change rarely.
SCOPES = ("territories_territory", "territories_region", "territories_region_members")
CUSTOMER_COLUMNS = ("status", "territory_id", "name")
VALUE_COLUMNS = ("gross_profit_12m", "last_month", "customer_id")

NOTE_THE_WRITE = f"""
INSERT INTO {PENDING} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
"""
# A row whose gross profit, window or customer moved is in the rows after and not in those
# before. A set difference is hashed or sorted, never joined row by row: a join of the two
# transition tables was planned as a nested loop, and a statement rewriting 200,000 values at
# tier L had not finished after eleven minutes (the difference: 0.25-0.45 s).
MOVED_COLUMNS = ", ".join(("id", *VALUE_COLUMNS))
VALUES_MOVED = (
    f"SELECT {MOVED_COLUMNS} FROM after_rows EXCEPT SELECT {MOVED_COLUMNS} FROM before_rows"
)
POSTGRESQL = (
    f"""
CREATE TABLE {PENDING} (txid bigint PRIMARY KEY);
CREATE FUNCTION {COMMITTING}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {PENDING} WHERE txid = NEW.txid;
    INSERT INTO rollups_cellsversion (cells, version)
    VALUES ('{RANKING}', nextval('rollups_cellsversion_seq'))
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER {COMMITTING} AFTER INSERT ON {PENDING}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {COMMITTING}();
CREATE FUNCTION {WRITTEN}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {NOTE_THE_WRITE}
    RETURN NULL;
END $$;
CREATE FUNCTION {VALUES_WRITTEN}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved boolean;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        moved := EXISTS ({VALUES_MOVED});
    ELSIF TG_OP = 'INSERT' THEN
        moved := EXISTS (SELECT 1 FROM after_rows);
    ELSE
        moved := EXISTS (SELECT 1 FROM before_rows);
    END IF;
    IF moved THEN
        {NOTE_THE_WRITE}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {VALUES_WRITTEN}_insert AFTER INSERT ON {VALUES}
REFERENCING NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION {VALUES_WRITTEN}();
CREATE TRIGGER {VALUES_WRITTEN}_update AFTER UPDATE ON {VALUES}
REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
FOR EACH STATEMENT EXECUTE FUNCTION {VALUES_WRITTEN}();
CREATE TRIGGER {VALUES_WRITTEN}_delete AFTER DELETE ON {VALUES}
REFERENCING OLD TABLE AS before_rows FOR EACH STATEMENT EXECUTE FUNCTION {VALUES_WRITTEN}();
CREATE TRIGGER {VALUES_WRITTEN}_truncate AFTER TRUNCATE ON {VALUES}
FOR EACH STATEMENT EXECUTE FUNCTION {WRITTEN}();
CREATE TRIGGER {WRITTEN} AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF {", ".join(CUSTOMER_COLUMNS)}
ON {CUSTOMERS} FOR EACH STATEMENT EXECUTE FUNCTION {WRITTEN}();
"""
    + "".join(
        f"""CREATE TRIGGER {WRITTEN} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {WRITTEN}();
"""
        for table in SCOPES
    )
    + f"""
INSERT INTO rollups_cellsversion (cells, version)
VALUES ('{RANKING}', nextval('rollups_cellsversion_seq'));
"""
)

POSTGRESQL_REVERSE = (
    "".join(
        f"DROP TRIGGER {VALUES_WRITTEN}_{event} ON {VALUES};\n"
        for event in ("insert", "update", "delete", "truncate")
    )
    + "".join(f"DROP TRIGGER {WRITTEN} ON {table};\n" for table in (CUSTOMERS, *SCOPES))
    + f"DROP FUNCTION {VALUES_WRITTEN}();\nDROP FUNCTION {WRITTEN}();\n"
    + f"DROP TABLE {PENDING};\nDROP FUNCTION {COMMITTING}();\n"
)

SQLITE = """
CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when} BEGIN
    INSERT INTO rollups_cellsversion (cells, version) VALUES ('{ranking}', random())
    ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
END
"""


def _moved(columns: tuple[str, ...]) -> str:
    return "WHEN " + " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)


def _sqlite_events(table: str) -> list[tuple[str, str]]:
    """Each trigger's event and its condition: a value row whose gross profit, window or
    customer moved, a customer whose status, territory or name did, any write elsewhere."""
    if table == VALUES:
        update = (f"UPDATE OF {', '.join(VALUE_COLUMNS)}", _moved(VALUE_COLUMNS))
    elif table == CUSTOMERS:
        update = (f"UPDATE OF {', '.join(CUSTOMER_COLUMNS)}", "")
    else:
        update = ("UPDATE", "")
    return [("INSERT", ""), update, ("DELETE", "")]


def sqlite_triggers() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER) for every table a ranking reads."""
    triggers = []
    for table in (VALUES, CUSTOMERS, *SCOPES):
        for event, when in _sqlite_events(table):
            name = f"{WRITTEN}_{table}_{event.split()[0].lower()}"
            create = SQLITE.format(name=name, event=event, table=table, when=when, ranking=RANKING)
            triggers.append((name, create))
    return triggers


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        for _name, create in sqlite_triggers():
            schema_editor.execute(create)
        schema_editor.execute(
            f"INSERT INTO rollups_cellsversion (cells, version) VALUES ('{RANKING}', random())"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        # IF EXISTS: going back, the customers' migration 0016 copies their table again,
        # which drops its triggers (migration 0021).
        for name, _create in sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(f"DELETE FROM rollups_cellsversion WHERE cells = '{RANKING}'")


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0009_sales_cells_version"),
        ("customers", "0010_customer_name_keyset_index"),
        ("territories", "0004_cross_request_state_machine"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
