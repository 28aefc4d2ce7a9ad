"""The customers' ranking triggers (migration 0010) again, on SQLite, where they are missing.

SQLite changes some columns by copying the table into a new one, which loses its triggers: the
customers' migration 0016 does so, and a database that had this app's migration 0010 before
it lost the triggers that give a new ranking version on each write of a customer's status,
territory or name (a kept ranking then outlived the change: tests/rollups/test_kept_ranking.py
found it). This migration comes after the customers' migrations that copy the table, and
creates only what is missing. PostgreSQL alters tables in place: nothing to do there."""

from importlib import import_module

from django.db import migrations

ranking_version = import_module("rollups.migrations.0010_ranking_version")


def add_missing_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, create in ranking_version.sqlite_triggers():
        if ranking_version.CUSTOMERS in name:
            schema_editor.execute(
                create.replace(f"CREATE TRIGGER {name}", f"CREATE TRIGGER IF NOT EXISTS {name}")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0017_customer_value_two_visitors"),
        ("rollups", "0020_customer_value_two_visitors"),
    ]

    # Going back, the triggers stay: migration 0010 drops them.
    operations = [migrations.RunPython(add_missing_triggers, migrations.RunPython.noop)]
