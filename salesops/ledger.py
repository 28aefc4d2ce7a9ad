"""The job ledger (docs/architecture.md "Background work").

Every job a person or the schedule starts is a `JobRun` row, one per kind and scope:

    ledger.enqueue("customers.classify", customer.pk, tasks.classify_customer,
                   customer_id=customer.pk)

writes (or joins) the row in the caller's transaction and publishes the task once that
transaction commits. Publishing never fails a request: with the broker down the row stays
queued and the sweeper publishes it again. The task runs its work through `run(...)`, which
claims the row (queued, or running with an expired lease), renews the lease while the work
runs, and marks it done, queued again for a retry, or failed. A worker that dies stops
renewing its lease; the sweeper (`sweep`, on beat every JOB_SWEEP_SECONDS) then publishes the
job again. Every job is safe to run twice: its work is idempotent and resumable.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from celery import Task, current_app
from celery.schedules import crontab
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from salesops import history
from salesops.errors import DomainError
from salesops.models import JobRun

log = logging.getLogger(__name__)
State = JobRun.State
SWEEP_BATCH = 500


def enqueue(kind: str, scope_key: Any, task, **arguments) -> JobRun:
    """Ask for the job (kind, scope) to run `task(**arguments)`, in the caller's transaction.

    A job already queued is joined; a running one runs once more when it ends (it may have read
    what this change replaced); a done or failed one is queued afresh."""
    task.__header__(**arguments)  # a wrong argument fails here, in the request, not in the worker
    now = timezone.now()
    with transaction.atomic():
        run, created = JobRun.objects.select_for_update().get_or_create(
            kind=kind,
            scope_key=str(scope_key),
            defaults={"task_name": task.name, "arguments": arguments, "published_at": now},
        )
        if not created:
            _ask_again(run, task.name, arguments, now)
    if run.state == State.QUEUED:
        transaction.on_commit(partial(publish, run.pk))
    return run


def _ask_again(run: JobRun, task_name: str, arguments: dict, now) -> None:
    run.task_name, run.arguments = task_name, arguments
    if run.state == State.RUNNING:
        run.rerun = True
    elif run.state != State.QUEUED:
        run.state, run.attempts, run.error = State.QUEUED, 0, ""
        run.finished_at, run.cursor, run.published_at = None, {}, now
    run.save(
        update_fields=[
            "task_name",
            "arguments",
            "rerun",
            "state",
            "attempts",
            "error",
            "finished_at",
            "cursor",
            "published_at",
        ]
    )


def publish(run_id: int) -> bool:
    """Hand a queued job to the broker. With the broker unreachable, log one line and leave the
    row queued (unpublished) for the sweeper: the request that asked for it still succeeds."""
    run = JobRun.objects.filter(pk=run_id, state=State.QUEUED).first()
    if run is None:
        return False
    task = current_app.tasks[run.task_name]
    kwargs = {**run.arguments, "job_run": run.pk}
    if current_app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs)  # in-process: errors are the job's own, and propagate
        return True
    try:
        # No retries here: a request must not wait on a dead broker; the sweeper retries. The
        # outcome is the ledger row's, so no result is kept (nor subscribed to, which with
        # Redis down would retry for twenty seconds before the message is even sent).
        task.apply_async(kwargs=kwargs, retry=False, ignore_result=True)
    except Exception as error:  # any broker failure leaves the job queued
        log.warning("job %s (%s %s) not published: %s", run.pk, run.kind, run.scope_key, error)
        JobRun.objects.filter(pk=run.pk, state=State.QUEUED).update(published_at=None)
        return False
    return True


def retry_failed(*, run_ids: list[int], by) -> int:
    """Someone looking after the servers asks for failed jobs again (from the admin): each is
    queued afresh and published after commit. Returns how many were."""
    from salesops import audit

    with transaction.atomic():
        failed = list(JobRun.objects.select_for_update().filter(pk__in=run_ids, state=State.FAILED))
        for run in failed:
            _ask_again(run, run.task_name, run.arguments, timezone.now())
            audit.record("salesops.job.retried", actor=by, target=run, changes={"error": run.error})
            transaction.on_commit(partial(publish, run.pk))
    return len(failed)


# --- inside the worker ---------------------------------------------------------------------

_current = threading.local()


def current() -> JobRun | None:
    """The ledger row of the job this thread is running (None in a direct call)."""
    return getattr(_current, "run", None)


class LedgerTask(Task):
    """Every task of the project (the Celery app's task class): the `job_run` argument the
    ledger publishes is taken off and the task body runs as that job (`run`). A task beat
    starts nightly says so (`nightly=True`): its scope is the company's date, so the schedule's
    jobs are rows of the ledger too, and a night's job that ended is not run again that day."""

    nightly = False
    # The arguments are checked against the body's signature when the job is asked for
    # (`enqueue`), without the ledger's own `job_run`.
    typing = False

    def __call__(self, *args, **kwargs):
        run_id = kwargs.pop("job_run", None)
        scheduled = None
        if run_id is None and self.nightly and not self.request.called_directly:
            scheduled = (self.name, timezone.localdate().isoformat(), self.name, kwargs)
        body = super().__call__
        with history.job_context(self.name):
            return run(run_id, lambda _job: body(*args, **kwargs), scheduled=scheduled)


def run(run_id: int | None, work: Callable[[JobRun | None], Any], *, scheduled=None) -> Any:
    """Run `work(job_run)` as the ledger's job `run_id`.

    A task started by beat has no row yet: `scheduled=(kind, scope_key, task_name, arguments)`
    makes or joins it (a period's job that already ended is not run again). A direct call with
    neither (a test, a shell) just runs the work."""
    if run_id is None and scheduled is not None:
        run_id = _scheduled_row(*scheduled)
        if run_id is None:
            return None
    if run_id is None:
        return work(None)
    claimed = _claim(run_id)
    if claimed is None:
        return None  # done, or another worker holds a live lease: a duplicate delivery
    beat = _Heartbeat(claimed)
    beat.start()
    _current.run = claimed
    try:
        result = work(claimed)
    except BaseException as error:
        beat.stop()
        _end(claimed, error=error)
        raise
    finally:
        _current.run = None
    beat.stop()
    _end(claimed)
    return result


def _scheduled_row(kind: str, scope_key: str, task_name: str, arguments: dict) -> int | None:
    with transaction.atomic():
        row, _created = JobRun.objects.select_for_update().get_or_create(
            kind=kind,
            scope_key=scope_key,
            defaults={
                "task_name": task_name,
                "arguments": arguments,
                "published_at": timezone.now(),
            },
        )
        if row.state == State.DONE:
            return None
        if row.state == State.FAILED:
            _ask_again(row, task_name, arguments, timezone.now())
    return row.pk


def _claim(run_id: int) -> JobRun | None:
    now = timezone.now()
    with transaction.atomic():
        row = JobRun.objects.select_for_update().filter(pk=run_id).first()
        if row is None:
            return None
        lease_over = row.lease_until is None or row.lease_until < now
        if not (row.state == State.QUEUED or (row.state == State.RUNNING and lease_over)):
            return None
        row.state, row.attempts, row.started_at = State.RUNNING, row.attempts + 1, now
        row.lease_until = now + _lease()
        row.worker = f"{socket.gethostname()}:{os.getpid()}"[:120]
        row.save(update_fields=["state", "attempts", "started_at", "lease_until", "worker"])
    return row


def save_cursor(cursor: dict) -> None:
    """Where the running resumable job got to, called inside the transaction of the batch it
    describes, so the point and the batch commit together."""
    run = current()
    if run is not None:
        JobRun.objects.filter(pk=run.pk, attempts=run.attempts).update(cursor=cursor)


def _end(run: JobRun, *, error: BaseException | None = None) -> None:
    now = timezone.now()
    with transaction.atomic():
        row = (
            JobRun.objects.select_for_update()
            .filter(pk=run.pk, state=State.RUNNING, attempts=run.attempts)
            .first()
        )
        if row is None:
            return  # the lease ran out and a later attempt owns the job now
        row.lease_until, row.worker = None, ""
        if error is not None:
            _record_failure(row, error, now)
        elif row.rerun:
            row.state, row.rerun, row.attempts, row.published_at = State.QUEUED, False, 0, now
            row.cursor = {}
            transaction.on_commit(partial(publish, row.pk))
        else:
            row.state, row.finished_at, row.error, row.cursor = State.DONE, now, "", {}
            row.arguments = {}  # what ran is the kind and scope; a mail's text is not kept
        row.save()


def _record_failure(row: JobRun, error: BaseException, now) -> None:
    row.error = f"{type(error).__name__}: {error}"[:2000]
    refused = isinstance(error, DomainError)  # the data says no: trying again changes nothing
    if refused or row.attempts >= settings.JOB_MAX_ATTEMPTS:
        row.state, row.finished_at = State.FAILED, now
    else:
        # Tried again by the sweeper after JOB_REPUBLISH_AFTER_SECONDS (a pause, not a loop).
        row.state, row.published_at = State.QUEUED, now


def _lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


class _Heartbeat:
    """Renews the job's lease while the work runs, from a thread with its own database
    connection. When the process dies the renewals stop, the lease runs out, and the sweeper
    hands the job to another worker. In-process (eager) jobs need none."""

    def __init__(self, run: JobRun):
        self.run = run
        self.stopped = threading.Event()
        self.thread = None

    def start(self) -> None:
        if current_app.conf.task_always_eager:
            return
        self.thread = threading.Thread(target=self._beat, name=f"lease-{self.run.pk}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_LEASE_SECONDS / 3):
                JobRun.objects.filter(
                    pk=self.run.pk, state=State.RUNNING, attempts=self.run.attempts
                ).update(lease_until=timezone.now() + _lease())
        except Exception:  # a missed renewal only shortens the lease
            log.exception("lease of job %s not renewed", self.run.pk)
        finally:
            connection.close()


# --- the sweeper -----------------------------------------------------------------------------


def sweep(now=None) -> int:
    """Publish again every job queued too long (or never published) and every running job
    whose lease ran out; forget finished jobs after JOB_KEEP_DAYS. Returns how many went out."""
    now = now or timezone.now()
    stale = Q(state=State.QUEUED) & (
        Q(published_at__isnull=True)
        | Q(published_at__lt=now - timedelta(seconds=settings.JOB_REPUBLISH_AFTER_SECONDS))
    )
    with transaction.atomic():
        expired = JobRun.objects.select_for_update(skip_locked=True).filter(
            state=State.RUNNING, lease_until__lt=now
        )
        JobRun.objects.filter(pk__in=list(expired.values_list("pk", flat=True))).update(
            state=State.QUEUED, published_at=None, lease_until=None, worker=""
        )
    due = list(
        JobRun.objects.filter(stale | Q(state=State.QUEUED, published_at__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    JobRun.objects.filter(pk__in=due).update(published_at=now)
    published = sum(publish(pk) for pk in due)
    if settings.JOB_CATCH_UP_NIGHTLY:
        published += start_missed_nightly_jobs(now)
    JobRun.objects.filter(
        state=State.DONE, finished_at__lt=now - timedelta(days=settings.JOB_KEEP_DAYS)
    ).delete()
    return published


def start_missed_nightly_jobs(now=None) -> int:
    """A nightly job whose time today passed JOB_REPUBLISH_AFTER_SECONDS ago with no ledger
    row for today never reached a worker: beat's message was lost (Redis restarted empty before
    a worker took it). Ask for it now, as beat would have. Returns how many were."""
    now = now or timezone.now()
    missed = _nightly_jobs_due_today(now)
    today = timezone.localdate(now).isoformat()
    known = set(
        JobRun.objects.filter(kind__in=[name for name, _ in missed], scope_key=today).values_list(
            "kind", flat=True
        )
    )
    started = 0
    for name, task in missed:
        if name not in known:
            log.warning("nightly job %s of %s never started; starting it now", name, today)
            enqueue(name, today, task)
            started += 1
    return started


def _nightly_jobs_due_today(now) -> list[tuple[str, Task]]:
    """(task name, task) of each scheduled nightly job whose time today is long enough past."""
    local_now = timezone.localtime(now)
    # Just before today's first minute, so a job at 00:00 counts as today's.
    before_today = local_now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        seconds=1
    )
    grace = timedelta(seconds=settings.JOB_REPUBLISH_AFTER_SECONDS)
    due = []
    for entry in (current_app.conf.beat_schedule or {}).values():
        task = current_app.tasks.get(entry["task"])
        schedule = entry["schedule"]
        if task is None or not getattr(task, "nightly", False) or not isinstance(schedule, crontab):
            continue
        start, delta, _now = schedule.remaining_delta(before_today, tz=local_now.tzinfo)
        first_time_today = start + delta
        if first_time_today.date() == local_now.date() and first_time_today + grace <= local_now:
            due.append((task.name, task))
    return due
