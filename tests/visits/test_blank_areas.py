"""Blank areas (rules.md §2.6): cities with no customers or no recent visit, on the region page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.customers.factories import CustomerFactory
from visits import selectors
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_blank_areas_are_cities_without_customers_or_recent_visits(personas, login):
    visited = CustomerFactory(territory=personas.xihu, owner=personas.salesperson)
    CustomerFactory(territory=personas.ningbo, owner=personas.salesperson)
    Visit.objects.create(
        salesperson=personas.salesperson,
        customer=visited,
        territory=personas.xihu,
        visited_at=timezone.now() - timedelta(days=3),
        kind="on_site",
    )
    CustomerFactory(territory=personas.shanghai_city, owner=personas.manager)
    Visit.objects.create(
        salesperson=personas.manager,
        customer=visited,
        territory=personas.shanghai_city,
        visited_at=timezone.now() - timedelta(days=61),
        kind="phone",
    )

    blank = selectors.blank_areas(personas.manager, personas.east)

    reasons = {city.name_en: (city.customer_count, city.visited) for city in blank}
    assert "Hangzhou" not in reasons  # a customer in Xihu District, visited three days ago
    assert reasons["Ningbo"] == (1, False)
    assert reasons["Shanghai"] == (1, False)  # the only visit is 61 days old


def test_a_city_visited_but_with_no_customer_left_is_blank_for_that(personas):
    """A visit keeps the territory it was made in; the customer may have moved since."""
    moved = CustomerFactory(territory=personas.xihu, owner=personas.salesperson)
    Visit.objects.create(
        salesperson=personas.salesperson,
        customer=moved,
        territory=personas.ningbo,
        visited_at=timezone.now() - timedelta(days=1),
        kind="on_site",
    )

    blank = selectors.blank_areas(personas.manager, personas.east)

    reasons = {city.name_en: (city.customer_count, city.visited) for city in blank}
    assert reasons["Ningbo"] == (0, True)  # no customers
    assert reasons["Hangzhou"] == (1, False)  # a customer, no recent visit


def test_blank_areas_cost_the_same_queries_however_many_customers(
    personas, login, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as few_customers:
        selectors.blank_areas(personas.manager, personas.east)
    CustomerFactory.create_batch(30, territory=personas.xihu, owner=personas.salesperson)
    with django_assert_max_num_queries(len(few_customers.captured_queries)):
        selectors.blank_areas(personas.manager, personas.east)
