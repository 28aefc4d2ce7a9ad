"""Benchmarks (run with `make bench`, not part of `make test`): the territory pages and the
access scope over the whole of China's divisions (3,213 territories) and the demo organisation.

Prints the query count and the median time of each page. That the query count does not grow
with the data is asserted by the ordinary tests (tests/territories/test_pages.py)."""

import statistics
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesops import access
from salesops.models import User
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _measure(client, url: str, runs: int = 15) -> tuple[int, float]:
    client.get(url)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return len(queries.captured_queries), statistics.median(timings) * 1000


def test_bench_region_tree_and_scope_on_the_full_division_tree(client):
    call_command("seed_demo", stdout=StringIO())
    manager = User.objects.get(username="wang.jianguo")
    sign_in(client, manager)
    rows = []
    for name, url in [
        ("home", reverse("home")),
        ("region tree", reverse("territories:region", args=["east-china"])),
        ("requests", reverse("territories:requests")),
    ]:
        count, median_ms = _measure(client, url)
        rows.append((name, count, median_ms))
    salesperson = User.objects.get(username="zhang.wei")
    started = time.perf_counter()
    visible = access.visible_territories(salesperson).count()
    scope_ms = (time.perf_counter() - started) * 1000
    print(f"\n{'page':<14}{'queries':>8}{'median ms':>11}")
    for name, count, median_ms in rows:
        print(f"{name:<14}{count:>8}{median_ms:>11.1f}")
    print(f"scope: {visible} territories visible to zhang.wei, counted in {scope_ms:.1f} ms")
    assert visible > 100
