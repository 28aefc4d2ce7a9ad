"""The region rollup's pages: drilling down, figures against last month and last year, the
empty month, charts equal to their tables, and a constant query count."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesops.months import add_months, current_month
from tests.rollups import factories

MONTH = add_months(current_month(), -1)


def _url(month=MONTH, **params):
    url = reverse("rollups:rollup", kwargs={"month": f"{month:%Y-%m}"})
    return url + (
        "?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else ""
    )


@pytest.fixture
def world(personas):
    return factories.east_and_south(personas, MONTH)


def test_head_office_sees_both_regions_side_by_side_with_changes(world, login):
    response = login(world.head_office).get(_url())
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["children"]}
    assert set(rows) == {str(world.east), str(world.south)}
    east = rows[str(world.east)]
    # East: two sellers × (1000 + 1001) this month, 2 × 800 × 2 last month, 2 × 500 × 2 a year ago.
    assert east.figures.sales == 4002
    assert east.last_month.sales == 3200
    assert east.last_year.sales == 2000
    assert east.figures.visits == 4
    headline = response.context["headline"]
    assert headline.month.sales == 4002 + 2001
    assert headline.month.target == 6000
    assert headline.month.attainment == Decimal("1.0005")  # 6,003 sold of 6,000
    assert headline.month.classes == {"A": 3, "B": 3}


def test_drilling_from_region_to_a_customer(world, login):
    client = login(world.head_office)
    region = client.get(_url(region=world.east.code))
    assert {row.name for row in region.context["children"]} == {"Zhejiang", "Jiangsu"}
    province = client.get(_url(area=world.zhejiang.pk))
    # Li holds Zhejiang as a whole: his target lies on the province, not on a city.
    rows = {row.name: row for row in province.context["children"]}
    assert list(rows) == ["Hangzhou", "The province as a whole"]
    assert rows["The province as a whole"].figures.target == 2000
    assert province.context["headline"].month.target == 2000
    city = client.get(_url(area=world.hangzhou.pk))
    person_row = city.context["children"][0]
    assert person_row.key == world.salesperson.pk
    person = client.get(_url(area=world.hangzhou.pk, person=world.salesperson.pk))
    assert [row.sales for row in person.context["customers"]] == [1001, 1000]
    customer = person.context["customers"][0].customer
    assert reverse("customers:detail", args=[customer.pk]) in person.content.decode()


def test_a_month_with_no_data_says_so_instead_of_showing_zeros(world, login):
    response = login(world.head_office).get(_url(add_months(MONTH, -30)))
    assert response.status_code == 200
    assert not response.context["has_data"]
    assert 'id="rollup-empty"' in response.content.decode()
    assert 'id="rollup-kpis"' not in response.content.decode()


def test_a_manager_sees_only_their_region_and_another_is_404(world, login):
    client = login(world.manager)
    response = client.get(_url())
    assert {row.name for row in response.context["children"]} == {str(world.east)}
    assert client.get(_url(region=world.south.code)).status_code == 404
    assert client.get(_url(area=world.guangdong.pk)).status_code == 404
    assert login(world.salesperson).get(_url()).status_code == 403


def _chart_data(html: str) -> dict:
    found = re.findall(
        r'<script id="(chart-[a-z]+-data)" type="application/json">(.*?)</script>', html
    )
    return {key: json.loads(data) for key, data in found}


def test_every_chart_shows_the_numbers_of_its_table(world, login):
    response = login(world.head_office).get(_url())
    charts = {chart["data_id"]: chart for chart in response.context["charts"]}
    drawn = _chart_data(response.content.decode())
    assert (
        set(drawn)
        == set(charts)
        == {
            "chart-regions-data",
            "chart-attainment-data",
            "chart-channels-data",
            "chart-classes-data",
        }
    )
    for key, chart in charts.items():
        data = drawn[key]
        assert data["labels"] == [str(row[0]) for row in chart["rows"]]
        for dataset in data["datasets"]:
            column = [str(h) for h in chart["headers"]].index(dataset["label"])
            table = [
                float(row[column]) if row[column] is not None else None for row in chart["rows"]
            ]
            assert dataset["data"] == table, key
    regions = drawn["chart-regions-data"]
    sales = dict(zip(regions["labels"], regions["datasets"][0]["data"], strict=True))
    assert sales[str(personas_east(world))] == 4002.0


def personas_east(world):
    return world.east


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"region": "east-china"},
        {"area": "zhejiang"},
        {"area": "hangzhou"},
        {"area": "hangzhou", "person": "salesperson"},
    ],
    ids=["company", "region", "province", "city", "person"],
)
def test_each_level_reads_the_same_number_of_queries_at_two_sizes(personas, login, params):
    world = personas
    resolved = {
        key: (value if key == "region" else (getattr(world, value).pk))
        for key, value in params.items()
    }
    factories.east_and_south(world, MONTH, customers_each=2)
    client = login(world.head_office)
    small = _queries(client, _url(**resolved))
    factories.east_and_south(world, MONTH, customers_each=12)
    large = _queries(client, _url(**resolved))
    assert small == large
