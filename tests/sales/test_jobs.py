"""The nightly job, its beat entry and the home panels."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sales.models import Attainment
from sales.tasks import score_recent_months
from salesops.celery import app, beat_schedule
from salesops.months import add_months, current_month
from tests.sales.factories import make_sale, set_quota

pytestmark = pytest.mark.django_db


def test_nightly_scoring_is_in_beats_schedule():
    entry = beat_schedule()["sales.score_recent_months"]

    assert entry["task"] == "sales.tasks.score_recent_months"
    assert entry["task"] in app.tasks


def test_nightly_job_scores_this_month_and_last(personas):
    from django.utils import timezone

    this_month = current_month()
    set_quota(personas.salesperson, add_months(this_month, -1), "375000")
    set_quota(personas.salesperson, this_month, "375000")
    make_sale(personas.salesperson, "100000", timezone.now())

    score_recent_months.delay()

    assert Attainment.objects.get(
        salesperson=personas.salesperson, month=this_month
    ).sales == Decimal("100000.00")


def test_team_attainment_reads_a_constant_number_of_queries(
    personas, login, django_assert_max_num_queries
):
    from sales.scoring import score_period
    from salesops.months import half_year_of

    for person in (personas.salesperson, personas.colleague, personas.manager):
        set_quota(person, current_month(), "375000")
    score_period(half_year_of(current_month()))
    client = login(personas.manager)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("sales:team_attainment"))

    assert response.content.decode().count('id="attainment-') == 3


def test_salesperson_home_shows_this_months_attainment(personas, login):
    from django.utils import timezone

    from sales.scoring import score_period
    from salesops.months import half_year_of

    set_quota(personas.salesperson, current_month(), "200000")
    make_sale(personas.salesperson, "50000", timezone.now())
    score_period(half_year_of(current_month()))

    page = login(personas.salesperson).get(reverse("home")).content.decode()

    assert 'id="attainment-panel"' in page
    assert "25.0%" in page
