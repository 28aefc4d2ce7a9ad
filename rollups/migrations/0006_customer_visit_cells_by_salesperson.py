from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0010_customer_name_keyset_index"),
        ("rollups", "0005_customer_values"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="customervisitcell",
            index=models.Index(
                fields=["salesperson", "month", "customer"], name="rollups_cus_salespe_b1aed7_idx"
            ),
        ),
    ]
