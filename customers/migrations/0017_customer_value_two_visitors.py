"""Each customer's copy of its value row also names the two salespeople who visited it most, with
their visits, and reaches each one's cost per visit straight from the copy (the rollup's
migration 0020). The copies are filled from the value rows before the covering index is built
again."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


COPIED = """
UPDATE customers_customer SET value_visitor_visits = kept.visitor_visits
FROM rollups_customervalue AS kept
WHERE kept.customer_id = customers_customer.id AND kept.visitor_visits IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0016_fewer_indexes_to_write"),
        ("rollups", "0020_customer_value_two_visitors"),
        ("territories", "0004_cross_request_state_machine"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_marks_and_names",
        ),
        migrations.RenameField(
            model_name="customer",
            old_name="value_shared_visit_cost",
            new_name="value_other_visit_cost",
        ),
        migrations.AddField(
            model_name="customer",
            name="value_second_visitor",
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
                    name="value_second_visitor_rate",
                    field=models.ForeignObject(
                        from_fields=["value_second_visitor", "value_month"],
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
            name="value_second_visitor_visits",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        # A join with no column of its own: nothing to write to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="customer",
                    name="value_visitor_rate",
                    field=models.ForeignObject(
                        from_fields=["value_visitor", "value_month"],
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
            name="value_visitor_visits",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        # Going back, the rollup's migration 0020 copies what its rows then hold.
        migrations.RunSQL(COPIED, migrations.RunSQL.noop),
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
                ),
                name="customer_marks_and_names",
            ),
        ),
    ]
