"""The dealers' monthly targets on a page of their own (rules.md §7.3): only the dealers with a
signed agreement or a target are listed, keyset-paged by name; a name finds any dealer of the
region; the director edits the open months and a closed month is refused with the reason."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sales.models import DealerTarget
from sales.selectors import quotas as quota_selectors
from salesops.models import AuditEntry
from salesops.months import add_months, current_month, half_year_of
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = reverse("sales:dealer_targets", args=["east-china"])
SIGNED = date(2025, 3, 1)


def _dealer(personas, name: str, **fields):
    return CustomerFactory(name=name, territory=personas.ningbo, channel="dealer", **fields)


def test_it_lists_the_dealers_with_an_agreement_or_a_target(personas, login):
    _dealer(personas, "宁波恒力胶粘经销部", agreement_signed_on=SIGNED)
    targeted = _dealer(personas, "宁波永固经销部")
    DealerTarget.objects.create(dealer=targeted, month=date(2025, 7, 1), amount=80000)
    _dealer(personas, "宁波新开经销部")
    CustomerFactory(
        name="广州南方经销部",
        territory=personas.guangzhou,
        channel="dealer",
        agreement_signed_on=SIGNED,
    )

    html = login(personas.director).get(URL).content.decode()

    assert "宁波恒力胶粘经销部" in html and "宁波永固经销部" in html
    assert "宁波新开经销部" not in html  # neither an agreement nor a target
    assert "广州南方经销部" not in html  # another region's dealer


def test_a_name_finds_any_dealer_of_the_region(personas, login):
    _dealer(personas, "宁波新开经销部")
    CustomerFactory(name="宁波新开超市", territory=personas.ningbo)  # not a dealer

    html = login(personas.director).get(URL, {"name": "新开"}).content.decode()

    assert "宁波新开经销部" in html
    assert "宁波新开超市" not in html


def test_the_name_filter_answers_htmx_with_the_table_alone(personas, login):
    _dealer(personas, "宁波新开经销部")

    response = login(personas.director).get(URL, {"name": "新开"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.startswith('<div id="dealer-targets-table">')
    assert "宁波新开经销部" in html and "<h1" not in html


def test_the_director_saves_a_target_for_an_open_month_with_an_audit_entry(personas, login):
    dealer = _dealer(personas, "宁波恒力胶粘经销部", agreement_signed_on=SIGNED)
    month = current_month()

    response = login(personas.director).post(
        URL, {"save": "1", f"d-{dealer.pk}-{month:%Y-%m}": "80,000"}
    )

    assert response.status_code == 302
    assert DealerTarget.objects.get(dealer=dealer, month=month).amount == 80000
    assert AuditEntry.objects.filter(action="territories.quotas.saved").count() == 1


def test_a_target_of_a_closed_month_is_refused_with_the_reason(personas, login):
    dealer = _dealer(personas, "宁波恒力胶粘经销部", agreement_signed_on=SIGNED)
    closed = add_months(half_year_of(current_month()), -1)
    url = f"{URL}?period={closed:%Y-%m}"

    response = login(personas.director).post(
        url, {"save": "1", f"d-{dealer.pk}-{closed:%Y-%m}": "1"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This month is closed" in html
    assert f'id="d-{dealer.pk}-{closed:%Y-%m}-refused"' in html
    assert not DealerTarget.objects.exists()


def test_the_manager_reads_the_targets_but_cannot_save_them(personas, login):
    dealer = _dealer(personas, "宁波恒力胶粘经销部", agreement_signed_on=SIGNED)
    client = login(personas.manager)

    page = client.get(URL)
    refused = client.post(URL, {"save": "1", f"d-{dealer.pk}-{current_month():%Y-%m}": "1"})

    assert page.status_code == 200
    assert "宁波恒力胶粘经销部" in page.content.decode()
    assert "Save targets" not in page.content.decode()
    assert refused.status_code == 403
    assert not DealerTarget.objects.exists()


def test_another_regions_dealer_page_is_not_found(personas, login):
    url = reverse("sales:dealer_targets", args=["south-china"])

    assert login(personas.manager).get(url).status_code == 404


def test_the_dealers_come_a_page_at_a_time_by_name(personas, login, monkeypatch):
    monkeypatch.setattr(quota_selectors, "DEALER_PAGE_ROWS", 2)
    for number in range(5):
        _dealer(personas, f"经销部{number}", agreement_signed_on=SIGNED)
    client = login(personas.director)

    first = client.get(URL)
    second = client.get(URL, {"after": first.context["page"].next_cursor})

    assert [row["dealer"].name for row in first.context["rows"]] == ["经销部0", "经销部1"]
    assert [row["dealer"].name for row in second.context["rows"]] == ["经销部2", "经销部3"]
    assert 'rel="next"' in first.content.decode()


def _queries(client) -> int:
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries.captured_queries)


def test_the_page_costs_the_same_queries_with_more_dealers(personas, login):
    client = login(personas.director)
    for number in range(2):
        _dealer(personas, f"经销部{number}", agreement_signed_on=SIGNED)
    few = _queries(client)

    for number in range(2, 30):
        dealer = _dealer(personas, f"经销部{number}", agreement_signed_on=SIGNED)
        DealerTarget.objects.create(dealer=dealer, month=current_month(), amount=80000)
    many = _queries(client)

    assert few == many
    assert many <= 15
