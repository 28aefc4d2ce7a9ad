"""Each customer's copy of its value row also names the third salesperson who visited it most,
with their visits, and reaches their cost per visit straight from the copy (the rollup's
migration 0023). No value row names a third visitor yet, so the new copies are empty, as the
rows are; the covering index is built again with them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0019_customer_names_apart"),
        ("rollups", "0023_customer_value_three_visitors"),
        ("territories", "0004_cross_request_state_machine"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_marks_and_names",
        ),
        migrations.AddField(
            model_name="customer",
            name="value_third_visitor",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        # A join with no column of its own: nothing to write to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="customer",
                    name="value_third_visitor_rate",
                    field=models.ForeignObject(
                        from_fields=["value_third_visitor", "value_month"],
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
            model_name="customer",
            name="value_third_visitor_visits",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                fields=["territory"],
                include=(
                    "id",
                    "status",
                    "customer_class",
                    "last_contacted_at",
                    "created_at",
                    "name",
                    "value_month",
                    "value_gross_profit",
                    "value_last_order_at",
                    "value_visits",
                    "value_other_visit_cost",
                    "value_visitor",
                    "value_visitor_visits",
                    "value_second_visitor",
                    "value_second_visitor_visits",
                    "value_third_visitor",
                    "value_third_visitor_visits",
                ),
                name="customer_marks_and_names",
            ),
        ),
    ]
