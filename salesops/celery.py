"""The Celery app. With no REDIS_URL, settings make every task run in-process (eager).

Each app declares its periodic jobs in `<app>/schedules.py` as `SCHEDULE = {name: entry}`;
they are merged here into beat's schedule.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesops.settings")

app = Celery("salesops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    from salesops.navigation import app_modules

    schedule = {}
    for _app, module in app_modules("schedules"):
        schedule.update(module.SCHEDULE)
    return schedule


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    sender.conf.beat_schedule = {**beat_schedule(), **(sender.conf.beat_schedule or {})}
