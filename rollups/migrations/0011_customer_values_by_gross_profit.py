"""The customer values indexed by window and gross profit: a page of the 80/20 reads the
customers within the span of gross profit its places cover (scorecards.value._page_ids). The
index replaces the one on the window alone, whose lookups it serves as well."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0010_customer_name_keyset_index'),
        ('rollups', '0010_ranking_version'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='customervalue',
            name='rollups_cus_last_mo_cf2be4_idx',
        ),
        migrations.AddIndex(
            model_name='customervalue',
            index=models.Index(fields=['last_month', 'gross_profit_12m'], name='customer_value_rank'),
        ),
    ]
