"""Each customer keeps a copy of its row of the region rollup's values (the window's last month,
the twelve months' gross profit, the latest order) in columns of its own, included in the
covering index the no-contact alert reads (scorecards.value). The rollup's migration 0018 fills
them; rollups.values keeps them."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0013_customer_marks_with_names"),
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
            name="value_gross_profit",
            field=models.DecimalField(decimal_places=2, editable=False, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name="customer",
            name="value_last_order_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="customer",
            name="value_month",
            field=models.DateField(editable=False, null=True),
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
                ),
                name="customer_marks_and_names",
            ),
        ),
    ]
