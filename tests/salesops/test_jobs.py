"""Jobs the user waits on: one model base and one progress partial for the prospect import,
the sales import and the scoring runs, each polled at its own URL with few queries."""

import re
from datetime import date

import pytest
from django.urls import reverse

from customers.models import ImportBatch
from sales.models import SalesImport, ScoringRun
from salesops.jobs import Job

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _prospect_import(personas, **fields):
    batch = ImportBatch.objects.create(
        created_by=personas.salesperson, file_name="prospects.csv", **fields
    )
    return personas.salesperson, reverse("customers:import_status", args=[batch.pk]), batch


def _sales_import(personas, **fields):
    job = SalesImport.objects.create(
        file_name="july.csv", checksum="x", imported_by=personas.head_office, **fields
    )
    return personas.head_office, reverse("sales:import") + f"?job={job.pk}", job


def _scoring_run(personas, **fields):
    run = ScoringRun.objects.create(
        started_by=personas.manager,
        first_month=date(2025, 7, 1),
        last_month=date(2025, 12, 1),
        **fields,
    )
    return personas.manager, reverse("sales:scoring_run", args=[run.pk]), run


JOBS = {
    "prospect import": (_prospect_import, "#import-status", "3 prospects imported."),
    "sales import": (_sales_import, "#sales-import", "3 lines checked and imported."),
    "scoring run": (_scoring_run, "#scoring-run", "Scores recomputed."),
}


def test_every_job_is_a_kernel_job():
    for model in (ImportBatch, SalesImport, ScoringRun):
        assert issubclass(model, Job)
        names = {field.name for field in model._meta.fields}
        assert {"status", "done", "total", "finished_at"} <= names


@pytest.mark.parametrize("kind", JOBS)
def test_a_running_job_polls_its_own_url_with_one_progress_bar(
    kind, personas, login, django_assert_max_num_queries
):
    make, dom_id, _done_text = JOBS[kind]
    user, url, _job = make(personas, status="running", done=1, total=4)
    client = login(user)

    with django_assert_max_num_queries(8):
        response = client.get(url, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="{dom_id[1:]}"' in html
    assert f'hx-get="{url}"' in html.replace("&amp;", "&")
    assert re.search(r'<progress[^>]*value="25"', html), html
    assert "1 / 4" in html
    assert html.count("<progress") == 1


@pytest.mark.parametrize("kind", JOBS)
def test_a_finished_job_stops_polling_and_shows_its_outcome(kind, personas, login):
    make, _dom_id, done_text = JOBS[kind]
    user, url, _job = make(personas, status="done", done=3, total=3)

    html = login(user).get(url, **HTMX).content.decode()

    assert done_text in html
    assert "hx-get" not in html
    assert "<progress" not in html


@pytest.mark.parametrize("kind", JOBS)
def test_a_failed_job_says_so(kind, personas, login):
    make, _dom_id, _done_text = JOBS[kind]
    user, url, _job = make(personas, status="failed", done=1, total=3)

    html = login(user).get(url, **HTMX).content.decode()

    assert 'role="alert"' in html
    assert "failed" in html
    assert "hx-get" not in html


def test_someone_elses_sales_import_is_not_shown(personas, login):
    _user, url, _job = _sales_import(personas, status="running", total=2)

    html = login(personas.other_manager).get(url).content.decode()

    assert 'id="sales-import"' not in html


def test_a_sales_import_leads_to_its_job(personas, login, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.customers.factories import CustomerFactory

    CustomerFactory(name="宁波永固胶业", territory=personas.ningbo, owner=personas.salesperson)
    csv = (
        "order_number,line,date,customer,salesperson,amount,gross_profit\n"
        'SO-1,1,2025-07-10 10:00,宁波永固胶业,li,"1,000.00",200\n'
    ).encode()
    client = login(personas.head_office)

    with django_capture_on_commit_callbacks(execute=True):  # the import job, in-process
        response = client.post(reverse("sales:import"), {"file": SimpleUploadedFile("j.csv", csv)})

    job = SalesImport.objects.get()
    assert (job.status, job.done, job.total) == ("done", 1, 1)
    assert response.url == reverse("sales:import") + f"?job={job.pk}"
    assert "1 line checked and imported." in client.get(response.url).content.decode()
