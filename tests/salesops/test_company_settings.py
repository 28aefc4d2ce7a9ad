"""CompanySettings.current(): read once per request, never stale after a saved change."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesops.models import SINCE_ALWAYS, CompanySettings

pytestmark = pytest.mark.django_db

TABLE = CompanySettings._meta.db_table


def _settings_queries(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if TABLE in query["sql"]]


def test_inside_a_request_repeated_calls_read_the_row_once(django_assert_num_queries):
    CompanySettings.current()  # the row exists
    with CompanySettings.per_request(), django_assert_num_queries(1):
        first = CompanySettings.current()
        assert CompanySettings.current() is first
        assert CompanySettings.current().blank_area_days == first.blank_area_days


def test_outside_a_request_every_call_reads(django_assert_num_queries):
    CompanySettings.current()
    with django_assert_num_queries(2):
        CompanySettings.current()
        CompanySettings.current()


def test_a_change_saved_in_the_request_is_seen_at_once_and_the_row_is_read_again():
    with CompanySettings.per_request():
        rules = CompanySettings.current()
        rules.blank_area_days = 45
        rules.save()
        assert CompanySettings.current().blank_area_days == 45
        # After a save nothing is kept: a later change in the same request is seen as well.
        CompanySettings.objects.filter(effective_from=SINCE_ALWAYS).update(blank_area_days=30)
        assert CompanySettings.current().blank_area_days == 30


def test_a_change_saved_elsewhere_is_seen_by_the_next_request():
    with CompanySettings.per_request():
        assert CompanySettings.current().blank_area_days == 60
    elsewhere = CompanySettings.objects.get(effective_from=SINCE_ALWAYS)
    elsewhere.blank_area_days = 90
    elsewhere.save()
    with CompanySettings.per_request():
        assert CompanySettings.current().blank_area_days == 90


def test_a_page_reads_the_settings_once_and_shows_a_saved_change(personas, login):
    client = login(personas.manager)
    url = reverse("territories:region", kwargs={"code": personas.east.code})
    CompanySettings.current()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The page and its blank-areas panel both ask for the settings: one read.
    assert len(_settings_queries(queries)) == 1

    rules = CompanySettings.objects.get(effective_from=SINCE_ALWAYS)
    rules.blank_area_days = 75
    rules.save()
    response = client.get(url)
    assert "75 days" in response.text
