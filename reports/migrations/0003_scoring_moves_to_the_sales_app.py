"""Attainment, scoring runs and the sales rollup now belong to the sales app: removed from this
app's state only; the tables stay where they are, and sales.0001 takes them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_sales_rollup"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Attainment"),
                migrations.DeleteModel(name="SalesRollup"),
                migrations.DeleteModel(name="ScoringRun"),
            ],
        ),
    ]
