"""A web process, once loaded, compiles the project's templates and freezes what it loaded out
of the garbage collector's full collections (salesops.startup)."""

import gc

import pytest
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
