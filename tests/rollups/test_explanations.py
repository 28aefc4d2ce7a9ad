"""Every rollup figure explains itself: rows and formula for each measure at each level, in a
constant number of queries; bad months are 404; the jobs are in beat's schedule."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollups.explain import MEASURES
from salesops.celery import app
from salesops.months import add_months, current_month
from tests.rollups import factories

MONTH = add_months(current_month(), -1)


def _explain(client, measure, month=MONTH, query=""):
    url = reverse("rollups:explain", kwargs={"month": f"{month:%Y-%m}", "measure": measure})
    return client.get(url + query, HTTP_HX_REQUEST="true")


def _queries(client, measure, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert _explain(client, measure, query=query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("measure", MEASURES)
def test_each_explanation_shows_rows_and_reads_constant_queries(personas, login, measure):
    factories.east_and_south(personas, MONTH, customers_each=1)
    client = login(personas.head_office)
    levels = ["", f"?region={personas.east.code}", f"?area={personas.zhejiang.pk}"]
    levels.append(f"?area={personas.hangzhou.pk}&person={personas.salesperson.pk}")
    small = [_queries(client, measure, query) for query in levels]
    factories.east_and_south(personas, MONTH, customers_each=6)
    assert [_queries(client, measure, query) for query in levels] == small
    html = _explain(client, measure).content.decode()
    assert 'id="explanation-formula"' in html


def test_the_sales_explanation_adds_up_to_the_figure(personas, login):
    factories.east_and_south(personas, MONTH)
    html = _explain(login(personas.head_office), "sales").content.decode()
    assert "6,003.00" in html  # the total row: 3 sellers × (1,000 + 1,001)


def test_every_row_behind_a_figure_exports_with_its_total(personas, login):
    factories.east_and_south(personas, MONTH)
    url = reverse(
        "rollups:explain_export",
        kwargs={"month": f"{MONTH:%Y-%m}", "measure": "sales", "file_format": "csv"},
    )
    response = login(personas.head_office).get(url)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 1 + 6 + 1  # headers, 3 sellers × 2 channels, the total
    assert rows[-1][4] == "6003.00"


def test_an_unknown_measure_a_bad_month_and_a_future_month_are_404(personas, login):
    client = login(personas.head_office)
    assert _explain(client, "salary").status_code == 404
    assert client.get("/rollups/2026-13/").status_code == 404
    future = add_months(current_month(), 1)
    assert client.get(f"/rollups/{future:%Y-%m}/").status_code == 404


def test_the_nightly_rebuild_and_the_mail_on_the_first_are_scheduled():
    schedule = app.conf.beat_schedule
    assert schedule["rollups.rebuild_all"]["task"] == "rollups.tasks.rebuild_all"
    mail = schedule["rollups.close_month_and_mail"]["schedule"]
    assert mail.day_of_month == {1}
