"""Account safety: deactivation ends sessions; password-reset mail is throttled; a refused
request logs one line."""

import logging
import sys

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from salesops.log_filters import OneLineRefusals

pytestmark = pytest.mark.django_db


def test_deactivating_an_account_ends_its_sessions_for_good(personas):
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        browser.force_login(personas.salesperson)
        assert browser.get(reverse("home")).status_code == 200

    personas.salesperson.is_active = False
    personas.salesperson.save()
    personas.salesperson.is_active = True
    personas.salesperson.save()

    for browser in (laptop, phone):  # reactivated, but the old sessions are gone
        assert browser.get(reverse("home")).status_code == 302


def test_other_users_keep_their_sessions(personas):
    colleague = Client()
    colleague.force_login(personas.colleague)
    personas.salesperson.is_active = False
    personas.salesperson.save()
    assert colleague.get(reverse("home")).status_code == 200


def _ask_for_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_reset_mail_is_limited_per_address(personas, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_PER_ADDRESS = 3
    personas.salesperson.email = "li.ming@example.com"
    personas.salesperson.save()
    for _attempt in range(10):
        with django_capture_on_commit_callbacks(execute=True):  # the mail job is queued on commit
            response = _ask_for_reset(Client(), "li.ming@example.com")
        assert response.status_code == 302  # the same answer every time: no enumeration
    assert len(mail.outbox) == 3


def test_reset_mail_is_limited_per_client(personas, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_PER_CLIENT = 5
    one_client = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(8):
        user = personas.salesperson if number % 2 else personas.colleague
        user.email = f"person{number}@example.com"
        user.save()
        with django_capture_on_commit_callbacks(execute=True):
            _ask_for_reset(one_client, user.email)
    assert len(mail.outbox) == 5


def test_a_refused_request_logs_one_line(personas, login, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = login(personas.head_office).post(reverse("visits:plan_new"), {})
    assert response.status_code == 403
    refusal = next(record for record in caplog.records if record.name == "django.request")
    assert OneLineRefusals().filter(refusal)  # the console handler's filter
    assert refusal.exc_info is None
    assert "\n" not in logging.Formatter().format(refusal)


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "Error", (), None)
        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert OneLineRefusals().filter(record)
    assert record.exc_info is not None


def test_the_console_log_shows_a_refusal_as_one_line(personas, login):
    """Through the handler settings.LOGGING configures (its filter included), not a copy."""
    import io

    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, OneLineRefusals) for item in handler.filters)
    )
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        response = login(personas.manager).get(reverse("visits:plan", args=[999999]))
    finally:
        console.setStream(previous)
    assert response.status_code == 404
    lines = written.getvalue().splitlines()
    assert len(lines) == 1 and "Not Found: /visits/plans/999999/" in lines[0]
