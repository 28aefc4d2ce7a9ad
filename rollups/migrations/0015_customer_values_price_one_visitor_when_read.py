"""A customer value keeps the visit cost of a customer visited by several salespeople only; a
customer with one visitor is priced when read, its visits times that visitor's rate
(`rollups.models.visit_cost`). The rows with one visitor drop the cost they kept, which the
read now adds; going back prices them again from the rates."""

import django.db.models.deletion
from django.db import migrations, models

ONE_VISITOR_PRICED_WHEN_READ = """
UPDATE rollups_customervalue SET shared_visit_cost_12m = 0
WHERE visitor_id IS NOT NULL AND shared_visit_cost_12m <> 0
"""
ONE_VISITOR_PRICED_AGAIN = """
UPDATE rollups_customervalue SET shared_visit_cost_12m = visits_12m * COALESCE((
    SELECT rate.cost_per_visit FROM rollups_visitorrate AS rate
    WHERE rate.salesperson_id = rollups_customervalue.visitor_id
        AND rate.last_month = rollups_customervalue.last_month
), 0)
WHERE visitor_id IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0014_customer_values_keep_their_one_visitor"),
    ]

    operations = [
        migrations.RenameField(
            model_name="customervalue",
            old_name="visit_cost_12m",
            new_name="shared_visit_cost_12m",
        ),
        # A join with no column of its own: nothing to write to the database (and SQLite's
        # schema editor cannot remove such a field when going back).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="customervalue",
                    name="visitor_rate",
                    field=models.ForeignObject(
                        from_fields=["visitor", "last_month"],
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="rollups.visitorrate",
                        to_fields=["salesperson", "last_month"],
                    ),
                ),
            ]
        ),
        migrations.RunSQL(ONE_VISITOR_PRICED_WHEN_READ, ONE_VISITOR_PRICED_AGAIN),
    ]
