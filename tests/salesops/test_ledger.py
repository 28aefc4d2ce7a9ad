"""The job ledger: a row per job written with the change, published after commit, joined by a
second start, never failing a request when the broker is down, and published again by the
sweeper when it waits too long or its worker stops renewing its lease."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from customers import tasks as customer_tasks
from salesops import ledger
from salesops.celery import app
from salesops.models import JobRun
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db
State = JobRun.State


@pytest.fixture(autouse=True)
def _no_nightly_catch_up(settings):
    """The sweeper's tests here are about the rows they make; catching up today's nightly jobs
    (which ones are due depends on the clock) is tested on its own below."""
    settings.JOB_CATCH_UP_NIGHTLY = False


@pytest.fixture
def broker_down(monkeypatch):
    """Tasks are published (not run in-process) to a broker that refuses every message."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(kwargs)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    app.conf.task_always_eager = False  # set back by the autouse fixture
    monkeypatch.setattr(app.tasks[customer_tasks.classify_customer.name], "apply_async", refuse)
    return calls


def test_a_job_is_a_row_written_with_the_change_and_run_after_commit(
    personas, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(territory=personas.ningbo)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = ledger.enqueue(
            "customers.classify_customer",
            customer.pk,
            customer_tasks.classify_customer,
            customer_id=customer.pk,
        )
        assert (
            JobRun.objects.get(kind="customers.classify_customer").state == State.QUEUED
        )  # in the caller's transaction

    # One publication of this job after commit (the new customer's class change then queues
    # the rollup's recount of the classes, a job of its own).
    assert [callback.args for callback in callbacks].count((run.pk,)) == 1
    run.refresh_from_db()
    assert (run.state, run.attempts, run.arguments) == (State.DONE, 1, {})
    assert run.finished_at is not None


def test_a_second_start_joins_the_queued_job(personas, django_capture_on_commit_callbacks):
    customer = CustomerFactory(territory=personas.ningbo)
    with django_capture_on_commit_callbacks(execute=False):
        first = ledger.enqueue(
            "customers.classify_customer",
            customer.pk,
            customer_tasks.classify_customer,
            customer_id=customer.pk,
        )
        second = ledger.enqueue(
            "customers.classify_customer",
            customer.pk,
            customer_tasks.classify_customer,
            customer_id=customer.pk,
        )
    assert first.pk == second.pk
    assert JobRun.objects.filter(kind="customers.classify_customer").count() == 1


def test_a_start_while_running_runs_the_job_once_more(personas):
    customer = CustomerFactory(territory=personas.ningbo)
    JobRun.objects.create(
        kind="customers.classify_customer",
        scope_key=str(customer.pk),
        task_name=customer_tasks.classify_customer.name,
        state=State.RUNNING,
        attempts=1,
        lease_until=timezone.now() + timedelta(minutes=1),
    )
    run = ledger.enqueue(
        "customers.classify_customer",
        customer.pk,
        customer_tasks.classify_customer,
        customer_id=customer.pk,
    )
    assert (run.state, run.rerun) == (State.RUNNING, True)


def test_a_wrong_argument_fails_in_the_request_not_in_the_worker(personas):
    with pytest.raises(TypeError):
        ledger.enqueue("customers.classify_customer", 1, customer_tasks.classify_customer, id=1)
    assert not JobRun.objects.exists()


def test_with_the_broker_down_the_change_is_saved_and_the_job_waits(
    personas, login, broker_down, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(
        name="杭州某客户", territory=personas.ningbo, owner=personas.salesperson
    )
    data = {
        "name": "杭州某客户",
        "channel": "terminal_large",
        "territory": personas.ningbo.pk,
        "estimated_monthly_demand": "80000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = login(personas.salesperson).post(
            reverse("customers:edit", args=[customer.pk]), data
        )

    assert response.status_code == 302  # the normal answer, not a server error
    customer.refresh_from_db()
    assert customer.estimated_monthly_demand == 80000
    assert len(broker_down) == 1  # one try, no retries inside the request
    run = JobRun.objects.get(kind="customers.classify_customer")
    assert (run.state, run.published_at) == (State.QUEUED, None)  # the sweeper's next pick


def test_the_sweeper_publishes_again_what_was_not_published(personas, broker_down):
    run = JobRun.objects.create(
        kind="customers.classify_customer",
        scope_key="1",
        task_name=customer_tasks.classify_customer.name,
        arguments={"customer_id": 1},
        published_at=None,
    )
    fresh = JobRun.objects.create(
        kind="customers.classify_customer",
        scope_key="2",
        task_name=customer_tasks.classify_customer.name,
        arguments={"customer_id": 2},
        published_at=timezone.now(),
    )

    assert ledger.sweep() == 0  # still refused
    assert [call["kwargs"] for call in broker_down] == [{"customer_id": 1, "job_run": run.pk}]
    fresh.refresh_from_db()
    assert fresh.state == State.QUEUED  # published a moment ago: left alone


def test_the_sweeper_hands_out_a_job_whose_worker_stopped_renewing_its_lease(personas):
    customer = CustomerFactory(territory=personas.ningbo, estimated_monthly_demand=80000)
    run = JobRun.objects.create(
        kind="customers.classify_customer",
        scope_key=str(customer.pk),
        task_name=customer_tasks.classify_customer.name,
        arguments={"customer_id": customer.pk},
        state=State.RUNNING,
        attempts=1,
        lease_until=timezone.now() - timedelta(seconds=1),
        worker="worker-1:4242",
    )

    assert ledger.sweep() == 1  # published again, run in-process here

    run.refresh_from_db()
    assert (run.state, run.attempts) == (State.DONE, 2)


def test_a_running_job_with_a_live_lease_is_not_run_twice(personas):
    run = JobRun.objects.create(
        kind="k",
        scope_key="1",
        task_name=customer_tasks.classify_customer.name,
        state=State.RUNNING,
        attempts=1,
        lease_until=timezone.now() + timedelta(minutes=1),
    )
    assert ledger.run(run.pk, lambda job: pytest.fail("ran twice")) is None
    assert ledger.sweep() == 0


def test_a_failing_job_is_tried_again_then_marked_failed(personas, settings):
    settings.JOB_MAX_ATTEMPTS = 2
    run = JobRun.objects.create(kind="k", scope_key="1", task_name="x")

    def broken(job):
        raise RuntimeError("disk full")

    for _attempt in range(2):
        with pytest.raises(RuntimeError):
            ledger.run(run.pk, broken)
        run.refresh_from_db()
    assert (run.state, run.attempts, run.error) == (State.FAILED, 2, "RuntimeError: disk full")


def test_finished_jobs_are_forgotten_after_a_while(personas, settings):
    settings.JOB_KEEP_DAYS = 14
    JobRun.objects.create(
        kind="k",
        scope_key="old",
        task_name="x",
        state=State.DONE,
        finished_at=timezone.now() - timedelta(days=15),
    )
    JobRun.objects.create(
        kind="k", scope_key="new", task_name="x", state=State.DONE, finished_at=timezone.now()
    )
    ledger.sweep()
    assert list(JobRun.objects.values_list("scope_key", flat=True)) == ["new"]


def test_the_nightly_job_runs_once_a_night(personas):
    customer_tasks.classify_all.delay()
    customer_tasks.classify_all.delay()  # beat fired twice, or the message came back

    run = JobRun.objects.get(kind="customers.tasks.classify_all")
    assert (run.state, run.attempts, run.scope_key) == (
        State.DONE,
        1,
        timezone.localdate().isoformat(),
    )


def test_the_password_reset_mail_is_a_job(personas, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": personas.salesperson.email})

    run = JobRun.objects.get(kind="salesops.password_reset_mail")
    assert run.state == State.DONE
    assert run.arguments == {}  # the reset link is not kept once sent
    assert mail.outbox[-1].to == [personas.salesperson.email]


def test_failed_jobs_are_run_again_from_the_admin(
    personas, login, django_capture_on_commit_callbacks
):
    from salesops.models import AuditEntry

    customer = CustomerFactory(territory=personas.ningbo, estimated_monthly_demand=80000)
    failed = JobRun.objects.create(
        kind="customers.classify_customer",
        scope_key=str(customer.pk),
        task_name=customer_tasks.classify_customer.name,
        arguments={"customer_id": customer.pk},
        state=State.FAILED,
        attempts=3,
        error="OperationalError: server closed the connection",
    )
    client = login(personas.admin)  # with the second factor the admin signs in with

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:salesops_jobrun_changelist"),
            {"action": "retry", "_selected_action": [failed.pk]},
        )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.error) == (State.DONE, 1, "")
    assert AuditEntry.objects.filter(action="salesops.job.retried").count() == 1
    customer.refresh_from_db()
    assert customer.customer_class == "C"


@pytest.fixture
def nightly_classification(monkeypatch):
    """Beat's schedule holds only the nightly classification, at 02:00 company time."""
    from celery.schedules import crontab

    schedule = {
        "classify": {
            "task": customer_tasks.classify_all.name,
            "schedule": crontab(hour=2, minute=0),
        }
    }
    monkeypatch.setitem(app.conf, "beat_schedule", schedule)


def _local(day_time: str):
    return timezone.make_aware(timezone.datetime.fromisoformat(day_time))


def test_a_nightly_job_whose_beat_message_was_lost_is_started_by_the_sweeper(
    personas, nightly_classification, django_capture_on_commit_callbacks, settings
):
    settings.JOB_REPUBLISH_AFTER_SECONDS = 300
    # 02:04: beat's message may still be on its way; the sweeper leaves it alone.
    assert ledger.start_missed_nightly_jobs(_local("2026-11-28 02:04")) == 0
    assert not JobRun.objects.exists()

    # 02:06 and no row for today: the message never reached a worker (Redis restarted empty).
    with django_capture_on_commit_callbacks(execute=True):
        assert ledger.start_missed_nightly_jobs(_local("2026-11-28 02:06")) == 1
    run = JobRun.objects.get()
    assert (run.kind, run.scope_key) == (customer_tasks.classify_all.name, "2026-11-28")
    assert run.state == State.DONE  # run in-process here, as the worker would

    # Once today's row exists (done, or running from beat's own message), nothing more starts.
    assert ledger.start_missed_nightly_jobs(_local("2026-11-28 09:00")) == 0
    assert JobRun.objects.count() == 1


def test_a_nightly_job_not_yet_due_today_is_not_started(personas, nightly_classification):
    # 01:00: yesterday's run is yesterday's business; today's is not due until 02:00.
    assert ledger.start_missed_nightly_jobs(_local("2026-11-28 01:00")) == 0
    assert not JobRun.objects.exists()
