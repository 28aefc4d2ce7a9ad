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


BEFORE_JOBS = [("customers", "0007_sales_move_to_the_sales_app"), ("sales", "0001_initial")]
JOBS = [("customers", "0008_import_batch_is_a_job"), ("sales", "0002_jobs")]


@pytest.mark.django_db(transaction=True)
def test_the_jobs_keep_their_rows_and_progress_through_the_migration(personas):
    """Prospect imports, sales imports and scoring runs become kernel jobs without losing a
    row: the old counters become `done`/`total`, past sales imports read as done."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_JOBS)
    try:
        old = executor.loader.project_state(BEFORE_JOBS).apps
        old.get_model("customers", "ImportBatch").objects.create(
            created_by_id=personas.salesperson.pk,
            file_name="a.csv",
            status="done",
            total=5,
            processed=5,
        )
        old.get_model("sales", "SalesImport").objects.create(
            file_name="b.csv",
            checksum="c",
            imported_by_id=personas.manager.pk,
            created=2,
            updated=1,
            unchanged=3,
        )
        old.get_model("sales", "ScoringRun").objects.create(
            started_by_id=personas.manager.pk,
            first_month="2025-07-01",
            last_month="2025-12-01",
            status="running",
            months_done=1,
            months_total=2,
        )
        executor = MigrationExecutor(connection)
        executor.migrate(JOBS)
        new = executor.loader.project_state(JOBS).apps
        batch = new.get_model("customers", "ImportBatch").objects.get()
        sales_import = new.get_model("sales", "SalesImport").objects.get()
        run = new.get_model("sales", "ScoringRun").objects.get()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert (batch.status, batch.done, batch.total) == ("done", 5, 5)
    assert (sales_import.status, sales_import.done, sales_import.total) == ("done", 6, 6)
    assert sales_import.finished_at == sales_import.created_at
    assert (run.status, run.done, run.total) == ("running", 1, 2)
