"""CI's share of the benchmark (docs/performance.md): tier S generated into the test database,
then the checks that hold on any machine, never a timing. PostgreSQL only (the generator loads
with COPY); on SQLite the generator's refusal is what is checked.

- P2: no page runs more than 15 queries; that the count does not grow with the data is
  tests/test_query_counts.py;
- P3: no table renders more than 200 rows;
- the form posts the benchmark times (a visit logged, a trip plan approved) succeed;
- P4: each nightly job's stored result equals one hand-written SQL statement's."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from reports.datagen.generate import GeneratorRefused, generate, read_manifest
from tests.perf import measure

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="generated data is loaded with COPY"
)


@pytest.fixture
def tier_s():
    return generate(tier="S", seed=7, until=date(2026, 6, 20), replace=False, log=lambda _: None)


@postgres_only
def test_tier_s_passes_the_checks_that_hold_on_any_machine(tier_s):
    assert read_manifest() == tier_s
    assert tier_s["rows"]["sales.Sale"] == 50_000
    assert tier_s["rows"]["customers.Customer"] == 2_000

    assert measure.job_differences() == {"sales rollup": 0, "attainment": 0, "classification": 0}

    # What a commit does to the ranking's version (migration rollups/0010), as for users of
    # committed data: the 80/20 ladder is kept from each page's warm-up on.
    connection.check_constraints()
    pages = measure.check_pages(_fresh_client_for)
    assert pages, "no page was measured"
    over = {
        name: (page["status"], page["queries"], page["rows"])
        for name, page in pages.items()
        if page["status"] != 200 or page["rows"] > 200 or page["queries"] > 15
    }
    assert not over, f"pages short of P2/P3 (status, queries, rows): {over}"

    # The form posts the benchmark times each do what they ask (measure_posts stops otherwise).
    posts = measure.measure_posts(runs=1)
    assert set(posts) == {"log a visit (salesperson)", "approve a trip plan (manager)"}


def _fresh_client_for(user):
    """A client signed in as `user` with the second factor verified where the role needs one,
    so a manager's page is measured, not the code page that would stand in front of it."""
    from django.test import Client

    from tests.factories import sign_in

    client = Client()
    sign_in(client, user)
    return client


@postgres_only
def test_the_generator_refuses_an_unknown_tier_and_a_database_with_data(personas):
    with pytest.raises(GeneratorRefused, match="Unknown tier"):
        generate(tier="XL", seed=1, until=date(2026, 6, 20), replace=True)
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_data", "--tier", "S", "--until", "2026-06-20")


def test_the_generator_refuses_anything_but_postgresql(settings):
    if connection.vendor == "postgresql":
        pytest.skip("checked on the embedded default")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("generate_data", "--tier", "S")
