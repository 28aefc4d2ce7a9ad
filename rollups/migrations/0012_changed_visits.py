"""Notes of the visits written since the region rollup counted them (`ChangedVisit`): on
PostgreSQL a trigger per statement on the visits notes the customer and time of every row
inserted, updated (before and after) or deleted, whoever writes, bulk writes included. The
month's refresh takes its month's notes and recounts only those customers' visit cells
(rollups.building.refresh_visits). SQLite, a small database, recounts the month whole and has
no trigger."""

from django.db import migrations, models

VISITS = "visits_visit"
NOTES = "rollups_changedvisit"
NOTE = "rollups_note_changed_visits"
NOTE_ROWS = "INSERT INTO {notes} (customer_id, visited_at) SELECT customer_id, visited_at FROM {rows};"

POSTGRESQL = f"""
CREATE FUNCTION {NOTE}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {NOTE_ROWS.format(notes=NOTES, rows="after_rows")}
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {NOTE_ROWS.format(notes=NOTES, rows="before_rows")}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {NOTE}_insert AFTER INSERT ON {VISITS}
REFERENCING NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}();
CREATE TRIGGER {NOTE}_update AFTER UPDATE ON {VISITS}
REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}();
CREATE TRIGGER {NOTE}_delete AFTER DELETE ON {VISITS}
REFERENCING OLD TABLE AS before_rows FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}();
"""

POSTGRESQL_REVERSE = (
    "".join(f"DROP TRIGGER {NOTE}_{event} ON {VISITS};\n" for event in ("insert", "update", "delete"))
    + f"DROP FUNCTION {NOTE}();\n"
)


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0011_customer_values_by_gross_profit"),
        ("visits", "0007_visit_territory_time_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangedVisit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("customer_id", models.BigIntegerField()),
                ("visited_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "changed visit",
                "verbose_name_plural": "changed visits",
                "indexes": [models.Index(fields=["visited_at"], name="changed_visit_time")],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
