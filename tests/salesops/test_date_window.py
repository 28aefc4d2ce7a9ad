"""rules.md §0.6: every date a form, an import or a page parameter takes lies between
2000-01-01 and 2100-12-31; outside it the user is told next to the field, and nothing crashes."""

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.urls import reverse

from expenses.models import ExpenseClaim
from salesops.forms import DateField, DateTimeField, clean_search_text, validate_date_window
from salesops.months import parse_day, parse_month
from tests.customers.factories import CustomerFactory
from tests.salesops.test_date_widgets import _date_fields


def test_every_date_field_of_every_form_checks_the_window():
    unchecked = [
        name for name, field in _date_fields() if validate_date_window not in field.validators
    ]
    assert unchecked == []


class _Form(forms.Form):
    day = DateField()
    moment = DateTimeField()


@pytest.mark.parametrize(
    ("day", "moment"),
    [("0001-01-01", "0001-01-01T00:00"), ("9999-12-31", "9999-12-31T23:59")],
)
def test_a_date_outside_the_window_is_refused_next_to_its_field(day, moment):
    form = _Form({"day": day, "moment": moment})

    assert not form.is_valid()
    assert form.errors == {
        "day": ["Enter a date between 2000-01-01 and 2100-12-31."],
        "moment": ["Enter a date between 2000-01-01 and 2100-12-31."],
    }


def test_the_window_includes_its_first_and_last_day():
    form = _Form({"day": "2000-01-01", "moment": "2100-12-31T23:59"})

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07", date(2026, 7, 1)),
        ("9999-12", None),
        ("0000-01", None),
        ("1899-12", None),
        ("2101-01", None),
        ("9" * 5000 + "-01", None),
        ("2026-13", None),
    ],
)
def test_a_month_parameter_outside_the_window_is_the_default(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-07-31", date(2026, 7, 31)), ("9999-12-31", None), ("0001-01-01", None), ("x", None)],
)
def test_a_day_parameter_outside_the_window_is_the_default(text, expected):
    assert parse_day(text) == expected


def test_an_aware_moment_is_placed_by_its_local_day():
    # 2100-12-31 20:00 UTC is already 2101 in Shanghai.
    moment = datetime(2100, 12, 31, 20, 0, tzinfo=UTC)
    with pytest.raises(forms.ValidationError):
        validate_date_window(moment)


def test_search_text_loses_nul_and_control_characters():
    assert clean_search_text("永固\x00胶业\x1b\n") == "永固胶业"
    assert len(clean_search_text("胶" * 10_000)) == 100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "territory"),
    [
        ("visits:customer_options", "ningbo"),  # a customer of the salesperson's own
        ("territories:request_customers", "jiangsu"),  # one they may ask to work
    ],
)
def test_a_nul_byte_in_a_suggestion_box_still_suggests(personas, login, url_name, territory):
    CustomerFactory(name="永固胶业", territory=getattr(personas, territory))

    response = login(personas.salesperson).get(reverse(url_name), {"customer": "永固\x00胶业"})

    assert response.status_code == 200
    assert "永固胶业" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
def test_a_team_week_outside_the_window_is_not_found(personas, login, week):
    response = login(personas.manager).get(reverse("reports:weekly_team"), {"week": week})

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_weekly_report_of_year_one_is_not_found(personas, login):
    response = login(personas.salesperson).get(reverse("reports:weekly_week", args=["0001-01-01"]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_month_outside_the_window_in_an_address_is_said_in_a_message(personas, login):
    response = login(personas.head_office).get(reverse("sales:list"), {"month": "9999-12"})

    assert response.status_code == 200
    assert response.context["month"] is None  # every month is listed, as with no month
    assert "“9999-12” is not a month from 2000-01 to 2100-12; it was left out." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_a_claim_for_a_month_outside_the_window_is_not_opened(personas, login):
    response = login(personas.salesperson).post(
        reverse("expenses:open"), {"month": "9999-12"}, follow=True
    )

    assert "is not a month from 2000-01 to 2100-12" in response.content.decode()
    assert not ExpenseClaim.objects.exists()
