"""The scorecard and 80/20 pages render, scoped to the viewer, and cost the same number of
queries whatever the amount of data behind them."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.scorecards.factories import busy_month

pytestmark = pytest.mark.django_db

MONTH = date(2025, 8, 1)
PERIOD = "?period=2025-08"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _urls(personas):
    person = personas.salesperson.pk
    return [
        reverse("scorecards:team") + PERIOD,
        reverse("scorecards:person", args=[person]) + PERIOD,
        *[
            reverse("scorecards:explain", args=[person, measure]) + PERIOD
            for measure in ("attainment", "new_customers", "travel", "attitude", "reports")
        ],
        reverse("scorecards:customer_value"),
        reverse("scorecards:customer_value") + "?show=alert",
        reverse("home"),
    ]


def test_pages_cost_the_same_queries_at_two_sizes(personas, login):
    client = login(personas.manager)
    busy_month(personas.salesperson, MONTH, customers=2, manager=personas.manager)
    small = {url: _queries(client, url) for url in _urls(personas)}

    busy_month(personas.salesperson, MONTH, customers=12, manager=personas.manager)
    busy_month(personas.colleague, MONTH, customers=5, manager=personas.manager)
    large = {url: _queries(client, url) for url in _urls(personas)}

    assert large == small


def test_the_seller_home_page_costs_the_same_at_two_sizes(personas, login):
    client = login(personas.salesperson)
    busy_month(personas.salesperson, MONTH, customers=2, manager=personas.manager)
    small = _queries(client, reverse("home"))
    busy_month(personas.salesperson, MONTH, customers=10, manager=personas.manager)
    assert _queries(client, reverse("home")) == small
