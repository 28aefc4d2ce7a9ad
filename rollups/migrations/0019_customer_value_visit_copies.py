"""Fill the customers' new copies of their value rows (customers' migration 0015): the window's
visits, the shared visit cost and the one visitor; none for a customer without a row. A
salesperson's cost per visit is now reached from a customer's copy of its visitor."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COPIED = """
UPDATE customers_customer SET value_visits = kept.visits_12m,
    value_shared_visit_cost = kept.shared_visit_cost_12m, value_visitor_id = kept.visitor_id
FROM rollups_customervalue AS kept
WHERE kept.customer_id = customers_customer.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0015_customer_value_visit_copies"),
        ("rollups", "0018_customer_value_copies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="visitorrate",
            name="salesperson",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="visitor_rate",
                to=settings.AUTH_USER_MODEL,
                verbose_name="salesperson",
            ),
        ),
        # Going back, the customers' migration drops the columns.
        migrations.RunSQL(COPIED, migrations.RunSQL.noop),
    ]
