"""The migrations describe the models exactly (on whichever database the environment names), and
models that changed app kept their tables."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from customers.models import Customer
from rollups import building
from rollups.kept import RANKING
from rollups.models import CellsVersion, CustomerValue, visit_cost
from sales.scoring import score_period
from sales.selectors.customer_value import value_window
from salesops.months import add_months, current_month, half_year_of
from scorecards import value
from tests.expenses.factories import approved_claim
from tests.sales.factories import local, make_sale
from tests.scorecards.factories import customer_of, make_visit

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


BEFORE_COMPLETE_VISITS = [("rollups", "0001_initial")]
COMPLETE_VISITS = [("rollups", "0002_activity_cell_complete_visits")]


@pytest.mark.django_db(transaction=True)
def test_visit_cells_written_before_the_migration_count_their_complete_visits(personas):
    """The new column is filled from the visits of each cell's person, territory and local
    month, so the scorecard is right before the next nightly rebuild."""
    person = personas.salesperson
    territory = person.assignments.first().territory
    customer = customer_of(person)
    make_visit(person, customer, local(2025, 8, 5))
    make_visit(person, customer, local(2025, 8, 31, 23, 30))  # still August, local time
    make_visit(person, customer, local(2025, 8, 6), complete=False, person_met="王经理")
    make_visit(person, customer, local(2025, 9, 1, 0, 30))  # September's cell, not August's
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_COMPLETE_VISITS)
    try:
        old = executor.loader.project_state(BEFORE_COMPLETE_VISITS).apps
        cells = old.get_model("rollups", "ActivityCell").objects
        cells.all().delete()  # the visits refreshed their cells; keep one written before
        cells.create(
            month=date(2025, 8, 1),
            territory_id=territory.pk,
            province_id=territory.pk,
            salesperson_id=person.pk,
            visits=3,
            customers_visited=1,
        )
        executor = MigrationExecutor(connection)
        executor.migrate(COMPLETE_VISITS)
        new = executor.loader.project_state(COMPLETE_VISITS).apps
        cell = new.get_model("rollups", "ActivityCell").objects.get()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert (cell.visits, cell.complete_visits) == (3, 2)


BEFORE_CUSTOMER_VISITS = [("rollups", "0003_complete_visits_and_score_shares")]
CUSTOMER_VISITS = [("rollups", "0004_customer_visit_cells_and_last_sale")]


@pytest.mark.django_db(transaction=True)
def test_customer_visit_cells_and_latest_orders_are_filled_from_the_records(personas):
    """The customer visit cells and each sales cell's latest order are filled from the visits
    and sales already there (by the local month), so the 80/20 is right before the next
    nightly rebuild."""
    person = personas.salesperson
    customer = customer_of(person)
    make_visit(person, customer, local(2025, 8, 5))
    make_visit(person, customer, local(2025, 8, 31, 23, 30))  # still August, local time
    make_visit(person, customer, local(2025, 9, 1, 0, 30))  # September's
    make_sale(person, "100.00", local(2025, 8, 3), customer=customer)
    latest = make_sale(person, "50.00", local(2025, 8, 20, 16), customer=customer)
    building.rebuild_all()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_CUSTOMER_VISITS)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(CUSTOMER_VISITS)
        new = executor.loader.project_state(CUSTOMER_VISITS).apps
        visit_cells = new.get_model("rollups", "CustomerVisitCell").objects.order_by("month")
        visits = list(visit_cells.values_list("month", "salesperson_id", "customer_id", "visits"))
        sales_cells = new.get_model("rollups", "SalesCell").objects
        last_sold_at = sales_cells.values_list("last_sold_at", flat=True).get()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert visits == [
        (date(2025, 8, 1), person.pk, customer.pk, 2),
        (date(2025, 9, 1), person.pk, customer.pk, 1),
    ]
    assert last_sold_at == latest.sold_at


BEFORE_CUSTOMER_VALUES = [("rollups", "0004_customer_visit_cells_and_last_sale")]
CUSTOMER_VALUES = [("rollups", "0005_customer_values")]


@pytest.mark.django_db(transaction=True)
def test_customer_values_are_filled_from_the_cells(personas):
    """Each customer's twelve months are filled from the cells already there, so the 80/20
    ranks right before the next rollup job runs; they equal what the job writes."""
    person = personas.salesperson
    customer = customer_of(person)
    month = current_month()
    make_visit(person, customer, local(month.year, month.month, 1, 9))
    make_sale(person, "100.00", local(month.year, month.month, 1, 10), customer=customer)
    year_ago = add_months(month, -12)
    make_sale(person, "70.00", local(year_ago.year, year_ago.month, 3), customer=customer)
    building.rebuild_all()
    written = _values_of(CustomerValue.objects)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_CUSTOMER_VALUES)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(CUSTOMER_VALUES)
        new = executor.loader.project_state(CUSTOMER_VALUES).apps
        filled = _values_of(new.get_model("rollups", "CustomerValue").objects)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert filled == written
    assert filled[0][:4] == (customer.pk, month, Decimal("25.00"), 1)  # a quarter is profit


def _values_of(rows) -> list[tuple]:
    return list(
        rows.order_by("customer_id").values_list(
            "customer_id", "last_month", "gross_profit_12m", "visits_12m", "last_order_at"
        )
    )


BEFORE_PRICED_WHEN_READ = [("rollups", "0014_customer_values_keep_their_one_visitor")]


@pytest.mark.django_db(transaction=True)
def test_a_customer_with_one_visitor_is_priced_when_read_after_the_migration(personas):
    """Back before the migration, a customer's kept visit cost is its visits times its one
    visitor's rate, as the job wrote it then; forward again, the row keeps no cost of its own
    and reads the same cost."""
    person = personas.salesperson
    customer = customer_of(person)
    month = current_month()
    for day in (1, 2, 3):
        make_visit(person, customer, local(month.year, month.month, day, 9))
    approved_claim(person, month, amounts=["300.00"])
    score_period(half_year_of(month))
    building.rebuild_all()
    priced = CustomerValue.objects.annotate(cost=visit_cost()).get(customer=customer).cost
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_PRICED_WHEN_READ)
    try:
        old = executor.loader.project_state(BEFORE_PRICED_WHEN_READ).apps
        kept_before = old.get_model("rollups", "CustomerValue").objects.get(customer_id=customer.pk)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    after = CustomerValue.objects.annotate(cost=visit_cost()).get(customer=customer)
    assert priced == Decimal("300.00")  # three visits at 100.00 each
    assert kept_before.visit_cost_12m == priced
    assert (after.other_visit_cost_12m, after.cost) == (0, priced)


BEFORE_TWO_VISITORS_NAMED = [
    ("customers", "0016_fewer_indexes_to_write"),
    ("rollups", "0019_customer_value_visit_copies"),
]


@pytest.mark.django_db(transaction=True)
def test_a_customer_with_several_visitors_keeps_its_cost_through_the_migration(personas):
    """Back before the visitors were named, a customer visited by two salespeople keeps its
    whole visit cost, on its value and its copy, and names no visitor; forward again, it
    names none either and reads the same cost, which the jobs go on re-pricing until they
    write the row again with its visitors named."""
    person, colleague = personas.salesperson, personas.colleague
    customer = customer_of(person)
    month = current_month()
    priced = _visited_and_priced(customer, [person, person, colleague], month)
    kept_before, copy_before = _value_and_copy_back_at(BEFORE_TWO_VISITORS_NAMED, customer)
    migrated = CustomerValue.objects.get(customer=customer)
    cost_migrated = _cost_read(customer)
    elsewhere = customer_of(colleague)  # a second visit halves the colleague's rate
    make_visit(colleague, elsewhere, local(month.year, month.month, 4, 9))
    building.refresh_visits(month)
    repriced = _cost_read(customer)
    building.rebuild_all()

    assert priced == Decimal("600.00")  # two visits at 150.00 and one at 300.00
    assert (kept_before.visitor_id, kept_before.shared_visit_cost_12m) == (None, priced)
    assert (copy_before.value_visitor_id, copy_before.value_shared_visit_cost) == (None, priced)
    assert (migrated.visitor_id, migrated.visitor_visits, migrated.other_visit_cost_12m) == (
        None,
        None,
        priced,
    )
    assert cost_migrated == priced
    assert repriced == Decimal("450.00") == _cost_read(customer)  # the colleague's at 150.00
    rebuilt = CustomerValue.objects.get(customer=customer)
    assert (rebuilt.visitor_id, rebuilt.second_visitor_id) == (person.pk, colleague.pk)


BEFORE_THREE_VISITORS_NAMED = [
    ("customers", "0019_customer_names_apart"),
    ("rollups", "0022_marks_version"),
]


@pytest.mark.django_db(transaction=True)
def test_a_customers_third_visitor_keeps_its_cost_through_the_migration(personas):
    """Back before the third visitor was named, a customer visited by three salespeople keeps
    its whole visit cost, the third's visits priced into the kept cost on its value and its
    copy; forward again, it reads the same cost, and the next write names the third."""
    person, colleague, third = personas.salesperson, personas.colleague, personas.other_salesperson
    customer = customer_of(person)
    priced = _visited_and_priced(customer, [person, person, colleague, third], current_month())
    kept_before, copy_before = _value_and_copy_back_at(BEFORE_THREE_VISITORS_NAMED, customer)
    cost_migrated = _cost_read(customer)
    building.rebuild_all()

    assert priced == Decimal("900.00")  # two visits at 150.00, one at 300.00 and one at 300.00
    assert (kept_before.second_visitor_id, kept_before.other_visit_cost_12m) == (
        colleague.pk,
        Decimal("300.00"),
    )
    assert copy_before.value_other_visit_cost == Decimal("300.00")
    assert cost_migrated == priced
    rebuilt = CustomerValue.objects.get(customer=customer)
    assert (rebuilt.third_visitor_id, rebuilt.other_visit_cost_12m) == (third.pk, 0)
    assert _cost_read(customer) == priced


def _visited_and_priced(customer, visitors: list, month) -> Decimal:
    """The customer visited once by each of `visitors` (a day each, from the 1st), each of
    them with an approved claim of 300.00 this month, scored and rolled up: its visit cost."""
    for day, visitor in enumerate(visitors, start=1):
        make_visit(visitor, customer, local(month.year, month.month, day, 9))
    for visitor in dict.fromkeys(visitors):
        approved_claim(visitor, month, amounts=["300.00"])
    score_period(half_year_of(month))
    building.rebuild_all()
    return _cost_read(customer)


def _value_and_copy_back_at(target: list, customer) -> tuple:
    """The customer's value row and its copy as they stand with the migrations rolled back to
    `target`, read through that state's models; every migration applied again afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    try:
        old = executor.loader.project_state(target).apps
        kept = old.get_model("rollups", "CustomerValue").objects.get(customer_id=customer.pk)
        copy = old.get_model("customers", "Customer").objects.get(pk=customer.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    return kept, copy


def _cost_read(customer) -> Decimal:
    """A customer's visit cost as its value gives it, once it equals what its copy gives."""
    window = value_window()
    from_value = CustomerValue.objects.annotate(cost=visit_cost()).get(customer=customer).cost
    copied = value.copied_values(Customer.objects.filter(pk=customer.pk), window).get()
    assert copied.visit_cost_12m == from_value
    return from_value


BEFORE_FEWER_CUSTOMER_INDEXES = [("customers", "0015_customer_value_visit_copies")]


@pytest.mark.django_db(transaction=True)
def test_a_customers_rename_still_moves_the_ranking_after_their_table_is_copied(personas):
    """SQLite copies the customers' table to change some columns (customers' migration 0016),
    which loses its triggers; a database with the ranking's triggers before that migration
    gets them back (rollups' migration 0021), so a renamed customer still gives a new
    ranking version."""
    customer = customer_of(personas.salesperson)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_FEWER_CUSTOMER_INDEXES)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    before = CellsVersion.objects.get(cells=RANKING).version

    Customer.objects.filter(pk=customer.pk).update(name="改了名字的客户")

    assert CellsVersion.objects.get(cells=RANKING).version != before
