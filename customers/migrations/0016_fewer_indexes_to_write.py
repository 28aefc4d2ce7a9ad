"""Six fewer indexes on the customers for every write to keep: the territory's and the owner's
own (indexes beginning with them serve every read), a second one of the owner, and the
pattern-matching copies of the class's and the duplicate keys' (they are compared whole). At
tier L a day's copies of 7,652 customers' values took 1.4-1.8 s with sixteen indexes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0015_customer_value_visit_copies"),
        ("territories", "0004_cross_request_state_machine"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="customer",
            name="customers_c_owner_i_5773d3_idx",
        ),
        migrations.AlterField(
            model_name="customer",
            name="customer_class",
            field=models.CharField(
                blank=True,
                choices=[
                    ("A", "A: large demand, order within the threshold"),
                    ("B", "B: small demand, order within the threshold"),
                    ("C", "C: large demand, order later or unknown"),
                    ("D", "D: small demand, order later or unknown"),
                ],
                max_length=1,
                verbose_name="class",
            ),
        ),
        migrations.AlterField(
            model_name="customer",
            name="normalized_name",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AlterField(
            model_name="customer",
            name="normalized_phone",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AlterField(
            model_name="customer",
            name="owner",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="customers",
                to=settings.AUTH_USER_MODEL,
                verbose_name="owner",
            ),
        ),
        migrations.AlterField(
            model_name="customer",
            name="territory",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="customers",
                to="territories.territory",
                verbose_name="territory",
            ),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["normalized_name"], name="customer_normalized_name"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["normalized_phone"], name="customer_normalized_phone"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["customer_class"], name="customer_class"),
        ),
    ]
