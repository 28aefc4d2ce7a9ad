"""The expenses app takes over the expense tables visits.0002 created (SeparateDatabaseAndState).

Claims, their history events, items and advances keep their tables (db_table) and rows; only
the state moves. The history triggers are installed again under this app's names (visits.0005
dropped the old ones).
"""

import django.core.validators
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MOVED = [('visits', 'expenseclaim'), ('visits', 'expenseclaimevent'), ('visits', 'expenseitem'), ('visits', 'traveladvance')]


def _relabel(apps, schema_editor, old_to_new):
    """Content types follow their models, so audit entries and permissions keep pointing at them."""
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for (old_app, model), new_app in old_to_new.items():
        if not content_types.filter(app_label=new_app, model=model).exists():
            content_types.filter(app_label=old_app, model=model).update(app_label=new_app)


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, {(old_app, model): "expenses" for old_app, model in MOVED})


def move_content_types_back(apps, schema_editor):
    _relabel(apps, schema_editor, {("expenses", model): old_app for old_app, model in MOVED})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('pghistory', '0007_auto_20250421_0444'),
        ('territories', '0003_quotas_move_to_the_sales_app'),
        ('visits', '0005_expenses_move_to_the_expenses_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExpenseClaim',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('manager_approved', 'Approved by the manager, awaiting the director'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('returned', 'Returned for changes')], default='draft', max_length=20, verbose_name='status')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                        ('is_late', models.BooleanField(default=False, verbose_name='late')),
                        ('decision_due_on', models.DateField(blank=True, null=True, verbose_name='decision due')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decided_on_time', models.BooleanField(blank=True, null=True, verbose_name='decided on time')),
                        ('decision_comment', models.CharField(blank=True, max_length=500, verbose_name='comment')),
                        ('settlement', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='settlement (+ pay out, − refund)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='territories.region', verbose_name='region')),
                        ('salesperson', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='expense_claims', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                    ],
                    options={
                        'verbose_name': 'expense claim',
                        'verbose_name_plural': 'expense claims',
                        'db_table': 'visits_expenseclaim',
                        'ordering': ['-month', 'salesperson_id'],
                    },
                ),
                migrations.CreateModel(
                    name='ExpenseClaimEvent',
                    fields=[
                        ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                        ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                        ('pgh_label', models.TextField(help_text='The event label.')),
                        ('id', models.BigIntegerField()),
                        ('month', models.DateField(verbose_name='month')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('manager_approved', 'Approved by the manager, awaiting the director'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('returned', 'Returned for changes')], default='draft', max_length=20, verbose_name='status')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                        ('is_late', models.BooleanField(default=False, verbose_name='late')),
                        ('decision_due_on', models.DateField(blank=True, null=True, verbose_name='decision due')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decided_on_time', models.BooleanField(blank=True, null=True, verbose_name='decided on time')),
                        ('decision_comment', models.CharField(blank=True, max_length=500, verbose_name='comment')),
                        ('settlement', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='settlement (+ pay out, − refund)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('decided_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                        ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='expenses.expenseclaim')),
                        ('region', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='territories.region', verbose_name='region')),
                        ('salesperson', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                    ],
                    options={
                        'db_table': 'visits_expenseclaimevent',
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='ExpenseItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('spent_on', models.DateField(verbose_name='date')),
                        ('category', models.CharField(choices=[('lodging', 'Lodging'), ('transport', 'Transport'), ('phone', 'Phone'), ('entertainment', 'Entertainment'), ('other', 'Other')], max_length=20, verbose_name='category')),
                        ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='amount')),
                        ('invoice_number', models.CharField(max_length=40, unique=True, verbose_name='invoice number')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='expenses.expenseclaim', verbose_name='claim')),
                        ('trip_plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='expense_items', to='visits.tripplan', verbose_name='trip plan')),
                    ],
                    options={
                        'verbose_name': 'expense item',
                        'verbose_name_plural': 'expense items',
                        'db_table': 'visits_expenseitem',
                        'ordering': ['spent_on', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='TravelAdvance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='amount')),
                        ('paid_on', models.DateField(verbose_name='paid on')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('salesperson', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='travel_advances', to=settings.AUTH_USER_MODEL, verbose_name='salesperson')),
                        ('settled_by_claim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='advances', to='expenses.expenseclaim', verbose_name='settled by claim')),
                        ('trip_plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='advances', to='visits.tripplan', verbose_name='trip plan')),
                    ],
                    options={
                        'verbose_name': 'travel advance',
                        'verbose_name_plural': 'travel advances',
                        'db_table': 'visits_traveladvance',
                        'ordering': ['-paid_on', '-id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='expenseclaim',
                    constraint=models.UniqueConstraint(fields=('salesperson', 'month'), name='one_claim_per_month'),
                ),
                migrations.AddConstraint(
                    model_name='expenseitem',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='expense_item_positive'),
                ),
                migrations.AddConstraint(
                    model_name='expenseitem',
                    constraint=models.CheckConstraint(condition=models.Q(('invoice_number', ''), _negated=True), name='expense_item_has_invoice_number'),
                ),
                migrations.AddConstraint(
                    model_name='traveladvance',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='advance_positive'),
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='expenseclaim',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "visits_expenseclaimevent" ("created_at", "decided_at", "decided_by_id", "decided_on_time", "decision_comment", "decision_due_on", "id", "is_late", "month", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "region_id", "salesperson_id", "settlement", "status", "submitted_at") VALUES (NEW."created_at", NEW."decided_at", NEW."decided_by_id", NEW."decided_on_time", NEW."decision_comment", NEW."decision_due_on", NEW."id", NEW."is_late", NEW."month", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."region_id", NEW."salesperson_id", NEW."settlement", NEW."status", NEW."submitted_at"); RETURN NULL;', hash='0cf8c5459f01096cfa9f53b2201452b43ed82350', operation='INSERT', pgid='pgtrigger_insert_insert_24fb7', table='visits_expenseclaim', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='expenseclaim',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "visits_expenseclaimevent" ("created_at", "decided_at", "decided_by_id", "decided_on_time", "decision_comment", "decision_due_on", "id", "is_late", "month", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "region_id", "salesperson_id", "settlement", "status", "submitted_at") VALUES (NEW."created_at", NEW."decided_at", NEW."decided_by_id", NEW."decided_on_time", NEW."decision_comment", NEW."decision_due_on", NEW."id", NEW."is_late", NEW."month", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."region_id", NEW."salesperson_id", NEW."settlement", NEW."status", NEW."submitted_at"); RETURN NULL;', hash='39063020d5a5db4e06a2e1a231ece6033ee94caf', operation='UPDATE', pgid='pgtrigger_update_update_f527a', table='visits_expenseclaim', when='AFTER')),
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
