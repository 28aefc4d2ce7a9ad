"""The sales app takes over tables that other apps created (SeparateDatabaseAndState).

Sales and imports (customers.0004), quotas (territories.0002), attainment, scoring runs and the
sales rollup (reports.0001, 0002) keep their tables (db_table) and rows; only the state moves.
"""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MOVED = [('customers', 'sale'), ('customers', 'salesimport'), ('territories', 'quota'), ('territories', 'dealertarget'), ('territories', 'regionquota'), ('reports', 'attainment'), ('reports', 'scoringrun'), ('reports', 'salesrollup')]


def _relabel(apps, schema_editor, old_to_new):
    """Content types follow their models, so audit entries and permissions keep pointing at them."""
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for (old_app, model), new_app in old_to_new.items():
        if not content_types.filter(app_label=new_app, model=model).exists():
            content_types.filter(app_label=old_app, model=model).update(app_label=new_app)


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, {(old_app, model): "sales" for old_app, model in MOVED})


def move_content_types_back(apps, schema_editor):
    _relabel(apps, schema_editor, {("sales", model): old_app for old_app, model in MOVED})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('customers', '0007_sales_move_to_the_sales_app'),
        ('territories', '0003_quotas_move_to_the_sales_app'),
        ('reports', '0003_scoring_moves_to_the_sales_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SalesImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file_name', models.CharField(max_length=200, verbose_name='file')),
                        ('checksum', models.CharField(db_index=True, max_length=64, verbose_name='checksum')),
                        ('created', models.PositiveIntegerField(default=0, verbose_name='new lines')),
                        ('updated', models.PositiveIntegerField(default=0, verbose_name='corrected lines')),
                        ('unchanged', models.PositiveIntegerField(default=0, verbose_name='unchanged lines')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='imported at')),
                        ('imported_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='imported by')),
                    ],
                    options={
                        'verbose_name': 'sales import',
                        'verbose_name_plural': 'sales imports',
                        'db_table': 'customers_salesimport',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ScoringRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('first_month', models.DateField(verbose_name='from month')),
                        ('last_month', models.DateField(verbose_name='to month')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                        ('months_done', models.PositiveIntegerField(default=0)),
                        ('months_total', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(null=True)),
                        ('started_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
                    ],
                    options={
                        'verbose_name': 'scoring run',
                        'verbose_name_plural': 'scoring runs',
                        'db_table': 'reports_scoringrun',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Attainment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('quota', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='quota')),
                        ('carried_over', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='carried over')),
                        ('target', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='target')),
                        ('sales', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='sales')),
                        ('gross_profit', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gross profit')),
                        ('attainment', models.DecimalField(decimal_places=1, max_digits=7, null=True, verbose_name='attainment %')),
                        ('cumulative_quota', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='cumulative quota')),
                        ('cumulative_sales', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='cumulative sales')),
                        ('cumulative_attainment', models.DecimalField(decimal_places=1, max_digits=7, null=True, verbose_name='cumulative attainment %')),
                        ('region_rank', models.PositiveIntegerField(null=True, verbose_name='rank in region')),
                        ('company_rank', models.PositiveIntegerField(null=True, verbose_name='rank in company')),
                        ('target_met_at', models.DateTimeField(null=True, verbose_name='target met at')),
                        ('bonus_flag', models.BooleanField(default=False, verbose_name='first-to-target bonus')),
                        ('probation_flag', models.BooleanField(default=False, verbose_name='extend probation')),
                        ('dismissal_flag', models.BooleanField(default=False, verbose_name='dismissal review')),
                        ('travel_cost', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='travel cost')),
                        ('travel_efficiency', models.DecimalField(decimal_places=4, max_digits=10, null=True, verbose_name='travel cost ÷ gross profit')),
                        ('computed_at', models.DateTimeField(verbose_name='computed at')),
                        ('region', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='territories.region', verbose_name='region')),
                        ('salesperson', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attainments', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                    ],
                    options={
                        'verbose_name': 'attainment',
                        'verbose_name_plural': 'attainments',
                        'db_table': 'reports_attainment',
                        'ordering': ['month', 'region_rank', 'salesperson_id'],
                        'indexes': [models.Index(fields=['month', 'region'], name='reports_att_month_784328_idx')],
                        'constraints': [models.UniqueConstraint(fields=('salesperson', 'month'), name='one_score_per_month')],
                    },
                ),
                migrations.CreateModel(
                    name='DealerTarget',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='amount')),
                        ('dealer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='monthly_targets', to='customers.customer', verbose_name='dealer')),
                    ],
                    options={
                        'verbose_name': 'dealer target',
                        'verbose_name_plural': 'dealer targets',
                        'db_table': 'territories_dealertarget',
                        'ordering': ['month', 'dealer_id'],
                        'constraints': [models.UniqueConstraint(fields=('dealer', 'month'), name='one_target_per_dealer_month'), models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='dealer_target_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='Quota',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('channel', models.CharField(choices=[('direct_store', 'Direct store'), ('terminal', 'Terminal customers'), ('dealer', 'Dealers')], max_length=20, verbose_name='channel')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='amount')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('salesperson', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quotas', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                    ],
                    options={
                        'verbose_name': 'quota',
                        'verbose_name_plural': 'quotas',
                        'db_table': 'territories_quota',
                        'ordering': ['month', 'salesperson_id', 'channel'],
                        'constraints': [models.UniqueConstraint(fields=('salesperson', 'month', 'channel'), name='one_quota_per_person_month'), models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='quota_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='RegionQuota',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='amount')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='monthly_quotas', to='territories.region', verbose_name='region')),
                    ],
                    options={
                        'verbose_name': 'region quota',
                        'verbose_name_plural': 'region quotas',
                        'db_table': 'territories_regionquota',
                        'ordering': ['month', 'region_id'],
                        'constraints': [models.UniqueConstraint(fields=('region', 'month'), name='one_total_per_region_month'), models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='region_quota_not_negative')],
                    },
                ),
                migrations.CreateModel(
                    name='Sale',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('order_number', models.CharField(max_length=40, verbose_name='order number')),
                        ('line', models.PositiveIntegerField(default=1, verbose_name='line')),
                        ('sold_at', models.DateTimeField(verbose_name='sold at')),
                        ('month', models.DateField(db_index=True, verbose_name='month')),
                        ('channel', models.CharField(choices=[('terminal_large', 'Terminal customer (large)'), ('terminal_medium', 'Terminal customer (medium)'), ('terminal_small', 'Terminal customer (small)'), ('dealer', 'Dealer'), ('direct_store', 'Direct store')], max_length=20, verbose_name='channel')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount')),
                        ('gross_profit', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gross profit')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sales', to='customers.customer', verbose_name='customer')),
                        ('salesperson', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sales', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                        ('territory', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='territories.territory', verbose_name='territory')),
                        ('sales_import', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='sales', to='sales.salesimport', verbose_name='import')),
                    ],
                    options={
                        'verbose_name': 'sale',
                        'verbose_name_plural': 'sales',
                        'db_table': 'customers_sale',
                        'ordering': ['-sold_at', '-id'],
                        'indexes': [models.Index(fields=['salesperson', 'month'], name='customers_s_salespe_161920_idx'), models.Index(fields=['month', 'salesperson', 'sold_at'], name='customers_s_month_fe29f2_idx'), models.Index(fields=['sold_at'], name='customers_s_sold_at_23a07f_idx')],
                        'constraints': [models.UniqueConstraint(fields=('order_number', 'line'), name='sale_natural_key'), models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='sale_amount_not_negative'), models.CheckConstraint(condition=models.Q(('gross_profit__lte', models.F('amount'))), name='sale_profit_within_amount')],
                    },
                ),
                migrations.CreateModel(
                    name='SalesRollup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('channel', models.CharField(max_length=20, verbose_name='channel')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='sales')),
                        ('gross_profit', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='gross profit')),
                        ('lines', models.PositiveIntegerField(verbose_name='order lines')),
                        ('salesperson', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                        ('territory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='territories.territory', verbose_name='territory')),
                    ],
                    options={
                        'verbose_name': 'sales rollup',
                        'verbose_name_plural': 'sales rollups',
                        'db_table': 'reports_salesrollup',
                        'indexes': [models.Index(fields=['salesperson', 'month'], name='reports_sal_salespe_d615bf_idx')],
                        'constraints': [models.UniqueConstraint(fields=('month', 'salesperson', 'territory', 'channel'), name='one_rollup_cell')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
