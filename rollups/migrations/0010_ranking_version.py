"""A version of what a ranking of customers reads (`CellsVersion` "ranking", read by
`rollups.kept.kept_rows`): each customer's twelve months' gross profit (the customer values),
the customers' status, territory and name, and the territories and regions that scope them.
Triggers change it in the same transaction as every write that could move a ranking, whoever
writes.

The customer values are rewritten whenever a visit is logged (their visits and visit cost),
which does not move a ranking: on PostgreSQL their trigger runs once per statement and looks
at the rows the statement wrote (its transition tables), changing the version only when a
gross profit, a window or a customer moved. On SQLite a trigger per row does the same. The
customers' trigger fires on their status, territory and name alone (a contact logged writes
their last contact). Migration 0009 says how the number is drawn; the same sequence serves.
A table that SQLite's migrations copy into a new one loses its triggers:
tests/rollups/test_kept.py checks they are there."""

from django.db import migrations

RANKING = "ranking"
BUMP = "rollups_ranking_changed"
VALUES_BUMP = "rollups_ranked_values_changed"
VALUES = "rollups_customervalue"
CUSTOMERS = "customers_customer"
# Tables whose every write changes the version: they only scope a ranking, and change rarely.
SCOPES = ("territories_territory", "territories_region", "territories_region_members")
CUSTOMER_COLUMNS = ("status", "territory_id", "name")
VALUE_COLUMNS = ("gross_profit_12m", "last_month", "customer_id")

POSTGRESQL_NEW_VERSION = f"""
INSERT INTO rollups_cellsversion (cells, version)
VALUES ('{RANKING}', nextval('rollups_cellsversion_seq'))
ON CONFLICT (cells) DO UPDATE SET version = excluded.version;
"""
VALUES_MOVED = " OR ".join(
    f"before_rows.{column} IS DISTINCT FROM after_rows.{column}" for column in VALUE_COLUMNS
)
POSTGRESQL = f"""
CREATE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {POSTGRESQL_NEW_VERSION}
    RETURN NULL;
END $$;
CREATE FUNCTION {VALUES_BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved boolean;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        moved := EXISTS (SELECT 1 FROM before_rows JOIN after_rows USING (id) WHERE {VALUES_MOVED});
    ELSIF TG_OP = 'INSERT' THEN
        moved := EXISTS (SELECT 1 FROM after_rows);
    ELSE
        moved := EXISTS (SELECT 1 FROM before_rows);
    END IF;
    IF moved THEN
        {POSTGRESQL_NEW_VERSION}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {VALUES_BUMP}_insert AFTER INSERT ON {VALUES}
REFERENCING NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION {VALUES_BUMP}();
CREATE TRIGGER {VALUES_BUMP}_update AFTER UPDATE ON {VALUES}
REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
FOR EACH STATEMENT EXECUTE FUNCTION {VALUES_BUMP}();
CREATE TRIGGER {VALUES_BUMP}_delete AFTER DELETE ON {VALUES}
REFERENCING OLD TABLE AS before_rows FOR EACH STATEMENT EXECUTE FUNCTION {VALUES_BUMP}();
CREATE TRIGGER {VALUES_BUMP}_truncate AFTER TRUNCATE ON {VALUES}
FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}();
CREATE TRIGGER {BUMP} AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF {", ".join(CUSTOMER_COLUMNS)}
ON {CUSTOMERS} FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}();
""" + "".join(
    f"""CREATE TRIGGER {BUMP} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}();
"""
    for table in SCOPES
) + POSTGRESQL_NEW_VERSION

POSTGRESQL_REVERSE = (
    "".join(
        f"DROP TRIGGER {VALUES_BUMP}_{event} ON {VALUES};\n"
        for event in ("insert", "update", "delete", "truncate")
    )
    + "".join(f"DROP TRIGGER {BUMP} ON {table};\n" for table in (CUSTOMERS, *SCOPES))
    + f"DROP FUNCTION {VALUES_BUMP}();\nDROP FUNCTION {BUMP}();\n"
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
            name = f"{BUMP}_{table}_{event.split()[0].lower()}"
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
        for name, _create in sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER {name}")
    schema_editor.execute(f"DELETE FROM rollups_cellsversion WHERE cells = '{RANKING}'")


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0009_sales_cells_version"),
        ("customers", "0010_customer_name_keyset_index"),
        ("territories", "0004_cross_request_state_machine"),
    ]

    operations = [migrations.RunPython(add_triggers, drop_triggers)]
