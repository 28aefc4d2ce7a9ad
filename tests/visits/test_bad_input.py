"""Trip plans and the visit log with dates outside what a trip or the calendar allows
(rules.md §0.6, §5.7): refused next to the field, and a plan stored before the cap still opens."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.visits.factories import TripPlanFactory
from visits.models import TripPlan
from visits.services import MAX_TRIP_DAYS

pytestmark = pytest.mark.django_db


def _next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def test_a_trip_longer_than_the_cap_is_refused_next_to_its_last_day(personas, login):
    first = _next_monday()
    response = login(personas.salesperson).post(
        reverse("visits:plan_new"),
        {"title": "x", "starts_on": first, "ends_on": first + timedelta(days=MAX_TRIP_DAYS)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [
        "A trip lasts at most 31 days; split a longer one into several plans."
    ]
    assert not TripPlan.objects.exists()


def test_a_trip_of_exactly_the_cap_is_accepted(personas, login):
    first = _next_monday()
    response = login(personas.salesperson).post(
        reverse("visits:plan_new"),
        {"title": "x", "starts_on": first, "ends_on": first + timedelta(days=MAX_TRIP_DAYS - 1)},
    )

    assert response.status_code == 302
    assert TripPlan.objects.count() == 1


def test_a_trip_from_year_one_to_9999_is_refused_with_the_date_window(personas, login):
    response = login(personas.salesperson).post(
        reverse("visits:plan_new"),
        {"title": "x", "starts_on": "0001-01-01", "ends_on": "9999-12-31"},
    )

    errors = response.context["form"].errors
    assert (
        errors["starts_on"]
        == errors["ends_on"]
        == ["Enter a date between 2000-01-01 and 2100-12-31."]
    )
    assert not TripPlan.objects.exists()


def test_a_plan_stored_before_the_cap_opens_and_shows_at_most_the_cap(personas, login):
    plan = TripPlanFactory(
        salesperson=personas.salesperson, starts_on=date(2026, 1, 1), ends_on=date(9999, 12, 31)
    )
    # Waiting for the manager, as such a plan could before the cap (the state is protected).
    TripPlan.objects.filter(pk=plan.pk).update(status=TripPlan.Status.SUBMITTED)

    page = login(personas.salesperson).get(reverse("visits:plan", args=[plan.pk]))
    summary = login(personas.manager).get(reverse("visits:approval_summary", args=[plan.pk]))

    assert page.status_code == 200
    assert len(page.context["days"]) == MAX_TRIP_DAYS
    assert summary.status_code == 200


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_week_outside_the_window_in_the_visit_log_is_named_next_to_the_field(
    personas, login, week
):
    response = login(personas.manager).get(f"{reverse('visits:log')}?week={week}")

    assert response.status_code == 200
    assert response.context["form"].errors["week"]
    assert 'id="id_week-error"' in response.content.decode()
    assert response.context["visits"] == []
