"""Money and dates read one way in both languages: grouped amounts with two decimals in the
customer list, on the home page and the attainment page, and the quota grid opening on the
current half-year, its dealers under their own heading on a page of their own."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from sales.scoring import score_period
from salesops.months import current_month, half_year_of
from tests.conftest import log_in_through_browser
from tests.customers.factories import CustomerFactory
from tests.sales.factories import local, make_sale, set_quota
from tests.visits.factories import PlannedVisitFactory, TripPlanFactory
from visits import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEALERS = {"zh-hans": "经销商", "en": "Dealer"}


def test_the_customer_list_shows_demand_grouped(lang_page, personas):
    CustomerFactory(
        name="杭州永固胶业",
        territory=personas.hangzhou,
        owner=personas.salesperson,
        estimated_monthly_demand=Decimal("250000"),
    )
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.goto(reverse("customers:list"))

    row = lang_page.locator("tr", has_text="杭州永固胶业")
    assert "250,000.00" in row.inner_text()
    assert "250000.00" not in lang_page.content()


def test_waiting_for_me_shows_a_plans_cost_grouped(lang_page, personas):
    customer = CustomerFactory(territory=personas.xihu, latitude="30.26", longitude="120.13")
    plan = TripPlanFactory(
        salesperson=personas.salesperson,
        estimated_lodging=Decimal("4000"),
        estimated_transport=Decimal("2800"),
    )
    PlannedVisitFactory(plan=plan, customer=customer)
    services.submit_trip_plan(plan=plan, by=personas.salesperson)
    log_in_through_browser(lang_page, personas.manager)
    lang_page.goto(reverse("waiting"))

    row = lang_page.locator(f"#waiting-trip_plan-{plan.pk}")
    assert "6,800.00" in row.inner_text()


def test_the_attainment_page_shows_money_grouped(lang_page, personas):
    july = date(2025, 7, 1)
    set_quota(personas.salesperson, july, "375000")
    make_sale(personas.salesperson, "300000", local(2025, 7, 15), gross_profit="72000")
    score_period(july)
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.goto(reverse("sales:my_attainment") + "?period=2025-07")

    row = lang_page.locator(f"#attainment-{personas.salesperson.pk}-2025-07")
    text = row.inner_text()
    assert "375,000.00" in text
    assert "300,000.00" in text
    assert "72,000.00" in text


def test_the_quota_grid_opens_on_the_current_half_year_with_a_dealers_heading(lang_page, personas):
    set_quota(personas.manager, date(2025, 7, 1), "375000")
    score_period(date(2025, 7, 1))  # older scores must not pull the grid back to them
    CustomerFactory(
        name="宁波恒力胶粘经销部",
        territory=personas.ningbo,
        channel="dealer",
        agreement_signed_on=date(2025, 3, 1),
    )
    CustomerFactory(name="宁波新开经销部", territory=personas.ningbo, channel="dealer")
    log_in_through_browser(lang_page, personas.director)
    lang_page.goto(reverse("sales:quotas"))

    period = half_year_of(current_month())
    assert lang_page.locator("#period").input_value() == f"{period:%Y-%m}"
    lang_page.locator("#dealer-targets-link").click()

    heading = lang_page.locator("#dealer-targets th").first
    assert heading.inner_text().strip() == DEALERS[lang_page.language]
    dealer_row = lang_page.locator("#dealer-targets tr", has_text="宁波恒力胶粘经销部")
    assert dealer_row.count() == 1
    month_cell = lang_page.locator(f"input[name^='d-'][name$='-{current_month():%Y-%m}']")
    assert month_cell.is_enabled()
    assert lang_page.locator("#dealer-targets tr", has_text="宁波新开经销部").count() == 0


def test_a_dealer_without_a_target_is_found_by_name_as_it_is_typed(lang_page, personas):
    CustomerFactory(name="宁波新开经销部", territory=personas.ningbo, channel="dealer")
    log_in_through_browser(lang_page, personas.director)
    lang_page.goto(reverse("sales:dealer_targets", args=["east-china"]))

    lang_page.locator("#dealer-name").fill("新开")

    found = lang_page.locator("#dealer-targets tr", has_text="宁波新开经销部")
    found.wait_for()
    assert "name=" in lang_page.url  # the filter stays in the address the targets are saved to
