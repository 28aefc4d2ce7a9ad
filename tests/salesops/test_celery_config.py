"""The Celery configuration: time limits (longer for the nightly and bulk jobs), a broker that
does not hand a running job out again, beat's schedule file under var/."""

import pytest
from celery.schedules import crontab
from django.conf import settings

LONG_JOBS = [
    "customers.tasks.classify_all",
    "customers.tasks.run_import",
    "sales.tasks.run_sales_import",
    "sales.tasks.score_months",
    "sales.tasks.score_recent_months",
    "rollups.tasks.rebuild_all",
    "rollups.tasks.close_month_and_mail",
    "rollups.tasks.refresh_customer_values",
]


@pytest.fixture(scope="module")
def celery_app():
    from salesops.celery import app

    app.loader.import_default_modules()
    return app


def test_every_task_has_time_limits(celery_app):
    conf = celery_app.conf
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.task_acks_late is True


@pytest.mark.parametrize("name", LONG_JOBS)
def test_the_long_jobs_have_longer_limits(celery_app, name):
    task = celery_app.tasks[name]
    assert celery_app.conf.task_time_limit < task.soft_time_limit < task.time_limit
    assert task.acks_late is True


def test_every_annotated_task_exists(celery_app):
    # Task names change when a task moves to another app; a stale name would silently drop
    # the longer limits.
    annotated = set(celery_app.conf.task_annotations)
    assert annotated == set(LONG_JOBS)
    assert annotated <= set(celery_app.tasks)


def test_the_nightly_jobs_have_the_longer_limits(celery_app):
    from salesops.celery import beat_schedule

    nightly = [
        entry for entry in beat_schedule().values() if isinstance(entry["schedule"], crontab)
    ]
    assert nightly
    for entry in nightly:
        task = celery_app.tasks[entry["task"]]
        assert task.time_limit > celery_app.conf.task_time_limit, entry["task"]


def test_the_broker_does_not_hand_out_a_running_job_again(celery_app):
    longest = max(
        [celery_app.conf.task_time_limit]
        + [celery_app.tasks[name].time_limit for name in LONG_JOBS]
    )
    assert celery_app.conf.broker_transport_options["visibility_timeout"] > longest


def test_beat_keeps_its_schedule_under_var(celery_app):
    schedule = celery_app.conf.beat_schedule_filename
    assert schedule.startswith(str(settings.BASE_DIR / "var") + "/")
