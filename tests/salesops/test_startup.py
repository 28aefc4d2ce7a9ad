"""A web process, once loaded, compiles the project's templates, freezes what it loaded out
of the garbage collector's full collections and opens its connections without PostgreSQL's
parallel workers (salesops.startup)."""

import copy
import gc

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines

from salesops import startup


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_settle_compiles_every_project_template_and_freezes_what_is_loaded(unfrozen):
    engine = engines["django"]
    names = startup._project_template_names(engine)
    cached = engine.engine.template_loaders[0]
    cached.reset()

    startup.settle()

    assert {"base.html", "customers/customer_list.html"} <= set(names)
    assert not any(name.startswith(("admin/", "bootstrap5/")) for name in names)
    assert set(names) <= set(cached.get_template_cache)
    assert gc.get_freeze_count() > 0


@pytest.fixture(autouse=True)
def database_options():
    """Settling changes the process's connection options: each test's are put back after it."""
    kept = copy.deepcopy(settings.DATABASES["default"].get("OPTIONS", {}))
    yield
    settings.DATABASES["default"]["OPTIONS"] = kept


@pytest.mark.django_db
def test_the_web_process_connects_without_parallel_workers(unfrozen):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    startup.settle()
    startup.settle()  # once is enough: the option is not added twice
    opened_after = connection.copy()  # a connection of the process, opened after settling
    try:
        with opened_after.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            workers = cursor.fetchone()[0]
    finally:
        opened_after.close()

    assert workers == "0"
    options = settings.DATABASES["default"]["OPTIONS"]["options"]
    assert options.count(startup.NO_PARALLEL_WORKERS) == 1
