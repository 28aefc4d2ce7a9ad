"""A real Celery worker against Redis: the password-reset mail leaves through the queue."""

import time

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from salesops.celery import app

pytestmark = pytest.mark.worker


def test_password_reset_mail_is_sent_by_the_worker(celery_worker, personas, client):
    from salesops.tasks import send_email

    result = send_email.delay(subject="ping", body="from the worker", to=["ops@example.com"])
    assert result.get(timeout=20) == 1
    assert mail.outbox[-1].to == ["ops@example.com"]

    client.post(reverse("password_reset"), {"email": personas.salesperson.email})
    # The web request only queued the mail; wait for the worker to send it.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not _mail_to(personas.salesperson.email):
        time.sleep(0.1)
    [reset_mail] = _mail_to(personas.salesperson.email)
    assert "/accounts/password/reset/" in reset_mail.body


def _mail_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_a_jobs_statements_are_bounded_on_postgresql(celery_worker, settings):
    settings.JOB_STATEMENT_TIMEOUT_MS = 123_000
    assert _statement_timeout.delay().get(timeout=20) == "123s"


@app.task(name="tests.statement_timeout")
def _statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]
