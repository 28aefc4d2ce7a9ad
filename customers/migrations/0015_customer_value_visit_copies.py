"""Each customer's copy of its value row (migration 0014) also holds the window's visits, the
shared visit cost and the one visitor, in the covering index the 80/20's counts read
(scorecards.value). The rollup's migration 0019 fills them; rollups.values keeps them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0014_customer_value_copies"),
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
            name="value_shared_visit_cost",
            field=models.DecimalField(decimal_places=6, editable=False, max_digits=20, null=True),
        ),
        migrations.AddField(
            model_name="customer",
            name="value_visitor",
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
        migrations.AddField(
            model_name="customer",
            name="value_visits",
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
                    "value_shared_visit_cost",
                    "value_visitor",
                ),
                name="customer_marks_and_names",
            ),
        ),
    ]
