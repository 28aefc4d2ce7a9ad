"""Expense claims, items and travel advances now belong to the expenses app.

The history triggers on visits_expenseclaim are named after the model's app, so they are
dropped here and expenses.0001 installs them under their new names (same SQL, same event
table). The models leave this app's state only: the tables stay where they are, and
expenses.0001 takes them over.
"""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0004_competitor_notes_join_the_registry"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="expenseclaim", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="expenseclaim", name="update_update"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ExpenseClaimEvent"),
                migrations.DeleteModel(name="ExpenseItem"),
                migrations.DeleteModel(name="TravelAdvance"),
                migrations.DeleteModel(name="ExpenseClaim"),
            ],
        ),
    ]
