"""Blank areas (rules.md §2.6): cities with no customers or no recent visit, on the region page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.customers.factories import CustomerFactory
from visits import selectors
from visits.models import Visit

pytestmark = pytest.mark.django_db


def _visit(salesperson, customer, territory, *, days_ago: int) -> Visit:
    return Visit.objects.create(
        salesperson=salesperson,
        customer=customer,
        territory=territory,
        visited_at=timezone.now() - timedelta(days=days_ago),
        kind="on_site",
    )


def _reasons(personas) -> dict:
    """Each blank city of East China by name: (its customers, whether it had a recent visit)."""
    blank = selectors.blank_areas(personas.manager, personas.east)
    return {city.name_en: (city.customer_count, city.visited) for city in blank}


def test_blank_areas_are_cities_without_customers_or_recent_visits(personas, login):
    visited = CustomerFactory(territory=personas.xihu, owner=personas.salesperson)
    CustomerFactory(territory=personas.ningbo, owner=personas.salesperson)
    _visit(personas.salesperson, visited, personas.xihu, days_ago=3)
    CustomerFactory(territory=personas.shanghai_city, owner=personas.manager)
    _visit(personas.manager, visited, personas.shanghai_city, days_ago=61)

    reasons = _reasons(personas)
    assert "Hangzhou" not in reasons  # a customer in Xihu District, visited three days ago
    assert reasons["Ningbo"] == (1, False)
    assert reasons["Shanghai"] == (1, False)  # the only visit is 61 days old


def test_a_city_visited_but_with_no_customer_left_is_blank_for_that(personas):
    """A visit keeps the territory it was made in; the customer may have moved since."""
    moved = CustomerFactory(territory=personas.xihu, owner=personas.salesperson)
    _visit(personas.salesperson, moved, personas.ningbo, days_ago=1)

    reasons = _reasons(personas)
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
