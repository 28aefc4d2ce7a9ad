"""The migrations describe the models exactly (on whichever database the environment names), and
models that changed app kept their tables."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

MOVED_TABLES = {
    "sales.Sale": "customers_sale",
    "sales.SalesImport": "customers_salesimport",
    "sales.Quota": "territories_quota",
    "sales.DealerTarget": "territories_dealertarget",
    "sales.RegionQuota": "territories_regionquota",
    "sales.Attainment": "reports_attainment",
    "sales.ScoringRun": "reports_scoringrun",
    "sales.SalesRollup": "reports_salesrollup",
    "expenses.ExpenseClaim": "visits_expenseclaim",
    "expenses.ExpenseClaimEvent": "visits_expenseclaimevent",
    "expenses.ExpenseItem": "visits_expenseitem",
    "expenses.TravelAdvance": "visits_traveladvance",
}


@pytest.mark.django_db
def test_the_models_need_no_new_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_every_migration_is_applied_and_the_graph_has_one_leaf_per_app():
    executor = MigrationExecutor(connection)
    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert not executor.loader.detect_conflicts()


@pytest.mark.parametrize("label", MOVED_TABLES)
def test_a_model_that_changed_app_keeps_its_table(label):
    assert apps.get_model(label)._meta.db_table == MOVED_TABLES[label]
