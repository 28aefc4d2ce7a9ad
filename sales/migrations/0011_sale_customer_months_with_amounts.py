"""A customer's sale lines by month carry their amounts in the index (PostgreSQL: INCLUDE), so
the classification's three-month sums read the index alone; the index also serves the
customer's key, whose own index goes (docs/performance.md, P5)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0020_customer_value_three_visitors"),
        ("sales", "0010_quota_month"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="sale",
            index=models.Index(
                fields=["customer", "month"], include=("amount",), name="sale_customer_months"
            ),
        ),
        migrations.RemoveIndex(model_name="sale", name="sale_customer_month"),
        migrations.AlterField(
            model_name="sale",
            name="customer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sales",
                to="customers.customer",
                verbose_name="customer",
            ),
        ),
    ]
