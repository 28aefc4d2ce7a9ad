"""The monthly rollup mail through a real Celery worker on Redis: run twice, sent once."""

import time

import pytest
from django.core import mail

from rollups import tasks
from salesops.models import SentMail
from salesops.months import add_months, current_month
from tests.rollups import factories

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.2)


def test_the_worker_mails_the_rollup_once_however_often_the_job_runs(celery_worker, personas):
    month = add_months(current_month(), -1)
    factories.east_and_south(personas, month)
    first = tasks.close_month_and_mail.delay(month=f"{month:%Y-%m}")
    second = tasks.close_month_and_mail.delay(month=f"{month:%Y-%m}")
    # One run mails; the other either finds the mail sent (0) or, as a job of the same day the
    # ledger already holds as done, does not run at all (None).
    outcomes = [first.get(timeout=120), second.get(timeout=120)]
    assert 1 in outcomes
    assert {outcome for outcome in outcomes if outcome != 1} <= {0, None}
    _wait_for(lambda: SentMail.objects.count() == 1)
    assert SentMail.objects.get().recipient == personas.head_office.email
    assert len(mail.outbox) == 1
