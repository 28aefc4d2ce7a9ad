"""A customer's value (rollups.values) sums its sales cells and its visit cells: the indexes
that lead by customer now hold what it reads (PostgreSQL: INCLUDE), so it reads the index
alone instead of a heap page per cell; the indexes that only repeated the first column of
another (customer, salesperson) go, which every write of the cells paid for."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0010_customer_name_keyset_index'),
        ('rollups', '0007_customer_values_leave_room_for_updates'),
        ('territories', '0004_cross_request_state_machine'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customervisitcell',
            index=models.Index(fields=['customer', 'month'], include=('salesperson', 'visits'), name='visit_cell_customer_value'),
        ),
        migrations.AddIndex(
            model_name='salescell',
            index=models.Index(fields=['customer', 'month'], include=('gross_profit', 'last_sold_at'), name='sales_cell_customer_value'),
        ),
        migrations.RemoveIndex(
            model_name='customervisitcell',
            name='rollups_cus_custome_24220a_idx',
        ),
        migrations.RemoveIndex(
            model_name='salescell',
            name='rollups_sal_custome_a4bbf2_idx',
        ),
        migrations.AlterField(
            model_name='customervisitcell',
            name='customer',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='customervisitcell',
            name='salesperson',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson'),
        ),
        migrations.AlterField(
            model_name='salescell',
            name='customer',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='customers.customer', verbose_name='customer'),
        ),
        migrations.AlterField(
            model_name='salescell',
            name='salesperson',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson'),
        ),
    ]
