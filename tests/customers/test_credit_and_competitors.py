"""rules.md §3.8 dealers' credit rule and rules.md §6.5 competitors."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from customers import classification, services
from customers.models import Competitor, CreditIncident
from customers.selectors import top_competitors

TODAY = date(2026, 5, 10)
MONTHS = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]


@pytest.fixture
def dealer(make_customer):
    return make_customer(
        channel="dealer",
        credit_tier="A",
        agreement_signed_on=date(2025, 12, 1),
        agreed_monthly_order=Decimal("80000"),
    )


@pytest.fixture
def monthly_sales(monkeypatch):
    """Stand-in for the sales table: the three months before May 2026."""
    totals = dict.fromkeys(MONTHS, Decimal("80000"))

    def fake(*, customer_id, start, end):
        assert (start, end) == (date(2026, 2, 1), date(2026, 5, 1))
        return totals

    monkeypatch.setattr(classification, "monthly_sales_totals", fake)
    return totals


def test_tier_a_dealer_meeting_every_month_gets_credit(dealer, monthly_sales):
    assert services.evaluate_credit(customer=dealer, today=TODAY).eligible


def test_a_month_below_the_agreed_amount_refuses_credit(dealer, monthly_sales):
    monthly_sales[MONTHS[1]] = Decimal("79999.99")

    decision = services.evaluate_credit(customer=dealer, today=TODAY)

    assert not decision.eligible
    assert "last three months' orders" in decision.reasons[0]


def test_a_month_without_orders_refuses_credit(dealer, monthly_sales):
    del monthly_sales[MONTHS[0]]

    assert not services.evaluate_credit(customer=dealer, today=TODAY).eligible


def test_a_dispute_in_the_three_months_refuses_credit(dealer, monthly_sales):
    CreditIncident.objects.create(customer=dealer, kind="dispute", occurred_on=date(2026, 4, 30))

    assert not services.evaluate_credit(customer=dealer, today=TODAY).eligible


def test_an_older_bad_debt_does_not_count(dealer, monthly_sales):
    CreditIncident.objects.create(customer=dealer, kind="bad_debt", occurred_on=date(2026, 1, 31))

    assert services.evaluate_credit(customer=dealer, today=TODAY).eligible


@pytest.mark.parametrize(("field", "value"), [("credit_tier", "AA"), ("agreement_signed_on", None)])
def test_only_tier_a_with_a_signed_agreement_gets_credit(dealer, monthly_sales, field, value):
    setattr(dealer, field, value)

    assert not services.evaluate_credit(customer=dealer, today=TODAY).eligible


def test_without_sales_no_dealer_gets_credit(dealer):
    assert not services.evaluate_credit(customer=dealer, today=TODAY).eligible


def test_observations_register_the_competitor_once_by_normalised_name(personas, make_customer):
    customer = make_customer()
    for name in ["汉高（中国）有限公司", "汉高(中国)", "汉高 (中国) 有限公司"]:
        services.record_competitor_observation(
            competitor_name=name,
            territory=personas.ningbo,
            customer=customer,
            observed_on=TODAY,
            by=personas.salesperson,
            price="32元/kg",
            payment_terms="月结60天",
        )

    assert Competitor.objects.count() == 1
    assert customer.competitor_observations.count() == 3


def test_top_three_competitors_of_a_territory_include_its_cities(personas):
    for name, times in [("汉高", 3), ("3M", 2), ("德莎", 1), ("回天", 4)]:
        for _ in range(times):
            services.record_competitor_observation(
                competitor_name=name,
                territory=personas.ningbo,
                observed_on=TODAY,
                by=personas.salesperson,
            )
    services.record_competitor_observation(
        competitor_name="德莎", territory=personas.jiangsu, observed_on=TODAY, by=personas.colleague
    )

    top = top_competitors(personas.manager, personas.zhejiang)

    assert [competitor.name for competitor in top] == ["回天", "汉高", "3M"]


def test_salesperson_adds_a_competitor_to_the_registry_once(personas, login):
    client = login(personas.salesperson)
    for name in ["德莎 tesa", "德莎TESA"]:
        client.post(reverse("customers:competitors"), {"name": name, "brand": "tesa"})

    assert list(Competitor.objects.values_list("name", flat=True)) == ["德莎 tesa"]


def test_head_office_cannot_add_to_the_registry(personas, login):
    response = login(personas.head_office).post(reverse("customers:competitors"), {"name": "汉高"})

    assert response.status_code == 403
    assert not Competitor.objects.exists()


def test_a_dispute_recorded_on_the_credit_page_refuses_credit(personas, login, dealer):
    client = login(personas.salesperson)

    client.post(
        reverse("customers:credit", args=[dealer.pk]),
        {"kind": "dispute", "occurred_on": "2026-04-02", "note": "货款争议"},
    )

    assert dealer.credit_incidents.get().note == "货款争议"
    page = client.get(reverse("customers:credit", args=[dealer.pk])).content.decode()
    assert "Not eligible for credit" in page


def test_credit_reads_the_dealers_real_monthly_orders(dealer, personas):
    from tests.customers.conftest import local
    from tests.sales.factories import make_sale

    make_sale(personas.salesperson, "80000", local(2026, 2, 3, 10, 0), customer=dealer)
    make_sale(personas.salesperson, "50000", local(2026, 3, 9, 10, 0), customer=dealer)
    make_sale(personas.salesperson, "30000", local(2026, 3, 31, 23, 30), customer=dealer)  # March
    make_sale(personas.salesperson, "80000", local(2026, 4, 20, 10, 0), customer=dealer)

    assert services.evaluate_credit(customer=dealer, today=TODAY).eligible
    assert classification.monthly_sales_totals(
        customer_id=dealer.pk, start=MONTHS[0], end=date(2026, 5, 1)
    ) == dict.fromkeys(MONTHS, Decimal("80000.00"))
