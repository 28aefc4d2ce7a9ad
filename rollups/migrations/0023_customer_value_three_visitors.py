"""A customer value names the three salespeople who visited the customer most, with their visits,
which are priced when read; it keeps priced only the visits of the others
(`rollups.models.visit_cost`). A row written before names two, and its third visitor's visits
stay the others', priced as before, until the jobs next write it. Going back, a row with a
third named visitor prices them into its kept cost, and so does the customer's copy of it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


THIRD_RATE = """COALESCE((
    SELECT rate.cost_per_visit FROM rollups_visitorrate AS rate
    WHERE rate.salesperson_id = rollups_customervalue.third_visitor_id
        AND rate.last_month = rollups_customervalue.last_month
), 0)"""
THIRD_VISITOR_PRICED = f"""
UPDATE rollups_customervalue SET
    other_visit_cost_12m = other_visit_cost_12m + third_visitor_visits * {THIRD_RATE}
WHERE third_visitor_id IS NOT NULL
"""
# The customers' copies, as they are before the customers' migration 0020.
COPIES_PRICED = """
UPDATE customers_customer SET value_other_visit_cost = kept.other_visit_cost_12m
FROM rollups_customervalue AS kept
WHERE kept.customer_id = customers_customer.id AND kept.third_visitor_id IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rollups", "0022_marks_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="customervalue",
            name="third_visitor",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="third visitor",
            ),
        ),
        # A join with no column of its own: nothing to write to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="customervalue",
                    name="third_visitor_rate",
                    field=models.ForeignObject(
                        from_fields=["third_visitor", "last_month"],
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
            name="third_visitor_visits",
            field=models.PositiveIntegerField(null=True, verbose_name="third visitor's visits"),
        ),
        migrations.RunSQL(migrations.RunSQL.noop, [THIRD_VISITOR_PRICED, COPIES_PRICED]),
    ]
