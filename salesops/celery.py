"""The Celery app. With no REDIS_URL, settings make every task run in-process (eager).

Each app declares its periodic jobs in `<app>/schedules.py` as `SCHEDULE = {name: entry}`;
they are merged here into beat's schedule.
"""

import os
import threading

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import connection as current_connection
from django.db.backends.signals import connection_created
from django.dispatch import receiver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings")

app = Celery("salesops", task_cls="salesops.ledger:LedgerTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    from salesops.navigation import app_modules

    schedule = {
        # The ledger's sweeper (salesops.ledger): stalled jobs are published again.
        "salesops.sweep_jobs": {
            "task": "salesops.tasks.sweep_jobs",
            "schedule": float(settings.JOB_SWEEP_SECONDS),
        }
    }
    for _app, module in app_modules("schedules"):
        schedule.update(module.SCHEDULE)
    return schedule


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    sender.conf.beat_schedule = {**beat_schedule(), **(sender.conf.beat_schedule or {})}


_jobs = threading.local()


@task_prerun.connect(dispatch_uid="salesops.bound_job_statements")
def _enter_job(task=None, **kwargs):
    """A job's SQL statements may run at most JOB_STATEMENT_TIMEOUT on PostgreSQL: when a
    worker dies mid-job, its statement must not go on holding row locks for minutes (jobs
    work in set-based batches well under it). Requests keep the server's default."""
    _jobs.active = task is not None and not task.app.conf.task_always_eager
    if _jobs.active and current_connection.connection is not None:
        _bound_statements(current_connection)


@task_postrun.connect(dispatch_uid="salesops.leave_job")
def _leave_job(**kwargs):
    _jobs.active = False


@receiver(connection_created, dispatch_uid="salesops.bound_new_job_connection")
def _bound_new_connection(sender, connection, **kwargs):
    # Celery closes the connection as a task starts; the task's first query opens a new one.
    if getattr(_jobs, "active", False):
        _bound_statements(connection)


def _bound_statements(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [settings.JOB_STATEMENT_TIMEOUT_MS])
