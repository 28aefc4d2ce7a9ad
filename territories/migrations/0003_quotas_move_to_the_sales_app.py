"""Quotas, dealer targets and region totals now belong to the sales app: removed from this
app's state only; the tables stay where they are, and sales.0001 takes them over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_quotas"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DealerTarget"),
                migrations.DeleteModel(name="Quota"),
                migrations.DeleteModel(name="RegionQuota"),
            ],
        ),
    ]
