"""CI's share of the benchmark (docs/performance.md): tier S generated into the test database,
then the checks that hold on any machine, never a timing. PostgreSQL only (the generator loads
with COPY); on SQLite the generator's refusal is what is checked.

- P2: no page runs more than 15 queries (except the ones named below, with their reason);
  that the count does not grow with the data is tests/test_query_counts.py;
- P3: no table renders more than 200 rows;
- P4: each nightly job's stored result equals one hand-written SQL statement's."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from reports.datagen.generate import GeneratorRefused, generate, read_manifest
from tests.perf import measure

pytestmark = pytest.mark.django_db

# Pages above the 15-query goal today, each with why (docs/performance.md, "Short of goal"). The
# regional roles are measured past their second factor; before, their pages were the code page.
OVER_QUERY_BUDGET = {
    # A panel or two of queries each: the manager's own and the region's follow-ups, quiet
    # customers, blank areas per region, the team week and summary, the people; the director's
    # region comparison is five grouped rollup queries (manager 27 at tier S, director 17).
    "home (manager)",
    "home (director)",
    # 16 on this tier (seed 7, data ending five months before today), 15 on the benchmark's
    # tier S (seed 1, data until today); which panel asks the extra query is not traced yet.
    "home (salesperson)",
}
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

    pages = measure.check_pages(_fresh_client_for)
    assert pages, "no page was measured"
    over = {
        name: (page["status"], page["queries"], page["rows"])
        for name, page in pages.items()
        if page["status"] != 200
        or page["rows"] > 200
        or (page["queries"] > 15 and name not in OVER_QUERY_BUDGET)
    }
    assert not over, f"pages short of P2/P3 (status, queries, rows): {over}"


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
