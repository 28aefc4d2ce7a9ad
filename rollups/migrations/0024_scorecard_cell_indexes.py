"""Indexes for a team's scorecards: the visit cells by salesperson and month with the visits
summed, which serves the salesperson's key as well, and the sales cells that won their
customer by salesperson and month (docs/performance.md, P1).

The salesperson's own index on the visit cells is dropped by name: Django's way, altering the
key, copies the table into a new one on SQLite, which loses the table's triggers (migration
0016's); both databases drop an index in place."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Django's name for the key's own index (`schema_editor._create_index_name`), the same on both.
SALESPERSON_INDEX = "rollups_activitycell_salesperson_id_7b365578"


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0023_customer_value_three_visitors"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="activitycell",
            index=models.Index(
                fields=["salesperson", "month"],
                include=("visits", "complete_visits"),
                name="activity_cell_person_months",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="activitycell",
                    name="salesperson",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="salesperson",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX {SALESPERSON_INDEX}",
                    f"CREATE INDEX {SALESPERSON_INDEX} ON rollups_activitycell (salesperson_id)",
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="salescell",
            index=models.Index(
                condition=models.Q(("new_customer", True)),
                fields=["salesperson", "month"],
                name="sales_cell_new_customers",
            ),
        ),
    ]
