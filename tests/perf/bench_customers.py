"""Benchmark (run with `make bench`): the book of business at scale.

Builds the demo organisation plus BOOK_SIZE customers spread over East China's cities (bulk
inserts), runs the nightly classification, then times the list page (filtered, deep page),
the export and a customer page. Prints queries and median times; BOOK_SIZE can be raised with
the environment variable SALESOPS_BENCH_CUSTOMERS (the issue's target is 100,000)."""

import os
import statistics
import time
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.classification import reclassify
from customers.models import Channel, Customer
from customers.normalize import normalize_name
from salesops.models import User
from territories.models import Territory
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
BOOK_SIZE = int(os.environ.get("SALESOPS_BENCH_CUSTOMERS", "20000"))


def _build_book(size: int) -> None:
    cities = list(Territory.objects.filter(region__code="east-china", level="city"))
    owners = {t.pk: None for t in cities}
    today = timezone.localdate()
    channels = list(Channel.values)
    batch = [
        Customer(
            name=f"华东客户{number:06d}有限公司",
            normalized_name=normalize_name(f"华东客户{number:06d}有限公司"),
            channel=channels[number % len(channels)],
            territory=cities[number % len(cities)],
            owner=owners[cities[number % len(cities)].pk],
            estimated_monthly_demand=Decimal(number % 120) * 1000,
            expected_order_date=today + timedelta(days=number % 40) if number % 3 else None,
        )
        for number in range(size)
    ]
    Customer.objects.bulk_create(batch, batch_size=5000)


def _median_ms(client, url: str, runs: int = 7) -> tuple[int, float]:
    client.get(url)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - started)
    return len(queries.captured_queries), statistics.median(timings) * 1000


def test_bench_book_of_business(client):
    call_command("seed_demo", stdout=StringIO())
    started = time.perf_counter()
    _build_book(BOOK_SIZE)
    built_s = time.perf_counter() - started
    started = time.perf_counter()
    reclassify(Customer.objects.all())
    classified_s = time.perf_counter() - started

    sign_in(client, User.objects.get(username="wang.jianguo"))
    zhejiang = Territory.objects.get(code="330000")
    customer = Customer.objects.filter(territory__region__code="east-china").first()
    pages = [
        ("list", reverse("customers:list")),
        (
            "list filtered p3",
            f"{reverse('customers:list')}?customer_class=A&territory={zhejiang.pk}&page=3",
        ),
        ("customer page", reverse("customers:detail", args=[customer.pk])),
    ]
    total = Customer.objects.count()
    print(
        f"\n{total} customers ({connection.vendor}); built in {built_s:.1f} s, "
        f"nightly classification {classified_s:.1f} s"
    )
    print(f"{'page':<18}{'queries':>8}{'median ms':>11}")
    for name, url in pages:
        count, median_ms = _median_ms(client, url)
        print(f"{name:<18}{count:>8}{median_ms:>11.1f}")
    assert total >= BOOK_SIZE
