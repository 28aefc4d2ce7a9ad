"""The scorecard and 80/20 pages render, scoped to the viewer, and cost the same number of
queries whatever the amount of data behind them."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sales.services.scoring import score_months
from salesops import paging
from salesops.months import current_month, months_between
from tests.sales.factories import set_quota
from tests.scorecards.factories import busy_month
from tests.visits.factories import TripPlanFactory

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


def test_the_attainment_chart_shows_the_numbers_of_its_table(personas, login):
    busy_month(personas.salesperson, MONTH, customers=3, manager=personas.manager)
    url = reverse("scorecards:person", args=[personas.salesperson.pk]) + PERIOD

    response = login(personas.salesperson).get(url)

    chart, months = response.context["chart"], response.context["months"]
    assert chart["labels"] == [f"{row.month:%Y-%m}" for row in months]
    assert chart["sales"] == [float(row.sales) for row in months]
    assert chart["quota"] == [float(row.quota) for row in months]
    assert chart["carried_over"] == [float(row.carried_over) for row in months]
    content = response.content.decode()
    assert 'id="attainment-chart-data"' in content
    assert "30,000.00" in content  # August's sales, in the table under the chart


def test_the_team_page_has_a_total_row(personas, login):
    busy_month(personas.salesperson, MONTH, customers=2, manager=personas.manager)
    busy_month(personas.colleague, MONTH, customers=3, manager=personas.manager)

    response = login(personas.manager).get(reverse("scorecards:team") + PERIOD)

    total = response.context["total"]
    assert total.attainment.sales == Decimal("50000.00")
    assert total.new_customer_total == 5
    assert 'id="team-total"' in response.content.decode()
    people = [card.person for card in response.context["cards"]]
    assert personas.other_salesperson not in people


def test_the_team_page_shows_a_page_of_people_with_the_whole_teams_total(
    personas, login, monkeypatch
):
    """25 people a page (docs/performance.md, P1); the total row still sums everyone."""
    busy_month(personas.salesperson, MONTH, customers=2, manager=personas.manager)
    busy_month(personas.colleague, MONTH, customers=3, manager=personas.manager)
    monkeypatch.setattr(paging, "PEOPLE_PER_PAGE", 1)
    url = reverse("scorecards:team") + PERIOD + "&region=east-china"
    client = login(personas.manager)

    first, last = client.get(url), client.get(url + "&page=99")

    pages = first.context["page"].paginator.num_pages
    assert pages >= 2 and last.context["page"].number == pages
    assert len(first.context["cards"]) == 1
    assert first.context["cards"][0].person != last.context["cards"][0].person
    assert last.context["total"].new_customer_total == 5
    assert 'href="?period=2025-08&amp;region=east-china&page=2"' in first.content.decode()


def test_an_explanation_is_a_fragment_for_htmx_and_a_page_without_it(personas, login):
    busy_month(personas.salesperson, MONTH, customers=2, manager=personas.manager)
    client = login(personas.salesperson)
    url = reverse("scorecards:explain", args=[personas.salesperson.pk, "travel"]) + PERIOD

    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    page = client.get(url).content.decode()

    assert "<html" not in fragment and 'id="formula"' in fragment
    assert "<html" in page and 'id="formula"' in page


def test_an_unknown_measure_or_period_is_a_404(personas, login):
    client = login(personas.salesperson)
    person = personas.salesperson.pk
    assert client.get(reverse("scorecards:explain", args=[person, "charm"])).status_code == 404
    url = reverse("scorecards:person", args=[person])
    assert client.get(url + "?period=2025-13").status_code == 404
    assert client.get(url + "?period=2025-Q5").status_code == 404


def test_the_team_export_is_a_spreadsheet_with_the_total_row(personas, login):
    busy_month(personas.salesperson, MONTH, customers=2, manager=personas.manager)
    response = login(personas.manager).get(reverse("scorecards:team_export", args=["csv"]) + PERIOD)
    content = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "李明" in content and "Team total" in content


def test_the_sellers_home_shows_the_carried_over_part_and_plans_waiting(personas, login):
    busy_month(personas.salesperson, date(2025, 7, 1), customers=1, manager=personas.manager)
    this_month = current_month()
    for month in months_between(date(2025, 8, 1), this_month):
        set_quota(personas.salesperson, month, "375000")
    score_months(first_month=date(2025, 7, 1), last_month=this_month)
    plan = TripPlanFactory(salesperson=personas.salesperson)

    content = login(personas.salesperson).get(reverse("home")).content.decode()

    assert 'id="attainment-carried"' in content
    assert 'id="plans-panel"' in content and plan.title in content


def test_the_director_narrows_the_team_to_one_region(personas, login):
    url = reverse("scorecards:team") + PERIOD + "&region=south-china"
    response = login(personas.director).get(url)
    people = {card.person for card in response.context["cards"]}
    assert people == {personas.other_salesperson, personas.other_manager}


def test_the_team_shows_one_region_a_page_the_first_by_default(personas, login):
    """Bounded by a region's team however many people the company has (docs/performance.md,
    P3); a region outside the user's scope is not found."""
    response = login(personas.head_office).get(reverse("scorecards:team") + PERIOD)
    people = {card.person for card in response.context["cards"]}
    assert personas.salesperson in people and personas.other_salesperson not in people
    assert response.context["region_code"] == "east-china"

    outside = login(personas.manager).get(
        reverse("scorecards:team") + PERIOD + "&region=south-china"
    )
    assert outside.status_code == 404


def test_both_tables_download_as_xlsx(personas, login):
    busy_month(personas.salesperson, MONTH, customers=2, manager=personas.manager)
    client = login(personas.manager)
    for url in (
        reverse("scorecards:team_export", args=["xlsx"]) + PERIOD,
        reverse("scorecards:customer_value_export", args=["xlsx"]) + "?show=top",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content[:2] == b"PK", url  # a zip container: an .xlsx workbook
    assert client.get(reverse("scorecards:team_export", args=["pdf"])).status_code == 404
