"""A customer value names the two salespeople who visited the customer most, with their visits,
which are priced when read; it keeps priced only the visits of the others
(`rollups.models.visit_cost`). A row with one visitor names it with all the visits; a row with
several visitors names none, and all its visits stay the others', priced as before, until the
jobs next write it. Going back, a row with two named visitors prices them into its kept cost
and names no visitor, as the rows of several visitors did then."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


ONE_VISITOR_NAMED = """
UPDATE rollups_customervalue SET visitor_visits = visits_12m WHERE visitor_id IS NOT NULL
"""


def _rate(visitor: str) -> str:
    return f"""COALESCE((
        SELECT rate.cost_per_visit FROM rollups_visitorrate AS rate
        WHERE rate.salesperson_id = rollups_customervalue.{visitor}
            AND rate.last_month = rollups_customervalue.last_month
    ), 0)"""


TWO_VISITORS_PRICED = f"""
UPDATE rollups_customervalue SET
    other_visit_cost_12m = other_visit_cost_12m + visitor_visits * {_rate("visitor_id")}
        + second_visitor_visits * {_rate("second_visitor_id")},
    visitor_id = NULL
WHERE second_visitor_id IS NOT NULL
"""
# The customers' copies, named as before the customers' migration 0017.
COPIES_PRICED = """
UPDATE customers_customer SET value_shared_visit_cost = kept.other_visit_cost_12m,
    value_visitor_id = kept.visitor_id
FROM rollups_customervalue AS kept
WHERE kept.customer_id = customers_customer.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0019_customer_value_visit_copies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="customervalue",
            old_name="shared_visit_cost_12m",
            new_name="other_visit_cost_12m",
        ),
        migrations.AlterField(
            model_name="customervalue",
            name="other_visit_cost_12m",
            field=models.DecimalField(
                decimal_places=6, max_digits=20, verbose_name="other visitors' visit cost"
            ),
        ),
        migrations.AddField(
            model_name="customervalue",
            name="second_visitor",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="second visitor",
            ),
        ),
        # A join with no column of its own: nothing to write to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="customervalue",
                    name="second_visitor_rate",
                    field=models.ForeignObject(
                        from_fields=["second_visitor", "last_month"],
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="rollups.visitorrate",
                        to_fields=["salesperson", "last_month"],
                    ),
                ),
            ]
        ),
        migrations.AddField(
            model_name="customervalue",
            name="second_visitor_visits",
            field=models.PositiveIntegerField(null=True, verbose_name="second visitor's visits"),
        ),
        migrations.AddField(
            model_name="customervalue",
            name="visitor_visits",
            field=models.PositiveIntegerField(null=True, verbose_name="visitor's visits"),
        ),
        migrations.RunSQL(ONE_VISITOR_NAMED, [TWO_VISITORS_PRICED, COPIES_PRICED]),
    ]
