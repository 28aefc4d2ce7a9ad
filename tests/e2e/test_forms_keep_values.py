"""Date and time fields show their values in both languages, so a form saved unchanged changes
nothing (a Chinese page once rendered 2026/11/28 into <input type=date>, which the browser drops:
saving a customer unchanged erased its expected order date and dropped it from A to C)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.classification import reclassify
from customers.models import Customer
from tests.conftest import log_in_through_browser
from tests.customers.factories import CustomerFactory
from tests.visits.factories import TripPlanFactory, VisitFactory
from visits.models import TripPlan, Visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def _save_unchanged(page, url):
    page.goto(url)
    with page.expect_navigation():
        page.locator("form input[type=submit]").click()


def test_saving_a_customer_unchanged_keeps_its_order_date_and_class(lang_page, personas):
    order_date = timezone.localdate() + timedelta(days=10)
    customer = CustomerFactory(
        name="杭州永固胶业",
        territory=personas.xihu,
        owner=personas.salesperson,
        estimated_monthly_demand=Decimal("80000"),
        expected_order_date=order_date,
    )
    reclassify(Customer.objects.filter(pk=customer.pk))
    customer.refresh_from_db()
    assert customer.customer_class == "A"
    log_in_through_browser(lang_page, personas.salesperson)

    lang_page.goto(f"/customers/{customer.pk}/edit/")
    assert lang_page.locator("[name=expected_order_date]").input_value() == order_date.isoformat()
    _save_unchanged(lang_page, f"/customers/{customer.pk}/edit/")

    customer.refresh_from_db()
    assert customer.expected_order_date == order_date
    assert customer.customer_class == "A"


def test_saving_a_trip_plan_unchanged_keeps_its_dates(lang_page, personas):
    plan = TripPlanFactory(salesperson=personas.salesperson)
    first_day, last_day = plan.starts_on, plan.ends_on
    log_in_through_browser(lang_page, personas.salesperson)

    _save_unchanged(lang_page, f"/visits/plans/{plan.pk}/edit/")

    plan = TripPlan.objects.get(pk=plan.pk)
    assert (plan.starts_on, plan.ends_on) == (first_day, last_day)
    assert lang_page.url.endswith(f"/visits/plans/{plan.pk}/")
    planned_day = lang_page.locator("#planned-visit-form [name=day]").input_value()
    assert planned_day == first_day.isoformat()  # the planned visit's day starts on day one


def test_saving_a_visit_unchanged_keeps_when_it_happened(lang_page, personas):
    customer = CustomerFactory(territory=personas.xihu, owner=personas.salesperson)
    visited_at = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    visit = VisitFactory(
        salesperson=personas.salesperson,
        customer=customer,
        visited_at=visited_at,
        follow_up_on=timezone.localdate() + timedelta(days=3),
    )
    log_in_through_browser(lang_page, personas.salesperson)

    lang_page.goto(f"/visits/{visit.pk}/edit/")
    follow_up = lang_page.locator("[name=follow_up_on]").input_value()
    assert follow_up == visit.follow_up_on.isoformat()
    _save_unchanged(lang_page, f"/visits/{visit.pk}/edit/")

    saved = Visit.objects.get(pk=visit.pk)
    assert saved.visited_at == visited_at
    assert saved.follow_up_on == visit.follow_up_on


def test_a_new_visit_starts_with_the_current_time_filled_in(lang_page, personas):
    log_in_through_browser(lang_page, personas.salesperson)
    lang_page.goto("/visits/new/")
    assert ISO_DATETIME.match(lang_page.locator("[name=visited_at]").input_value())
