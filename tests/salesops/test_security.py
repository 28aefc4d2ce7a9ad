"""Security baseline (OWASP ASVS level 2): lockout, enumeration, sessions, headers, deploy."""

import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _log_in(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7"
    )


def test_five_failures_lock_the_login_even_with_the_right_password(personas, client):
    for _ in range(4):
        assert _log_in(client, "li", "wrong").status_code == 200
    assert _log_in(client, "li", "wrong").status_code == 429  # the fifth failure locks
    response = _log_in(client, "li", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_login_works_and_resets_the_failure_count(personas, client):
    for _ in range(3):
        _log_in(client, "li", "wrong")
    assert _log_in(client, "li", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(personas.salesperson.pk)


def test_login_errors_do_not_tell_whether_the_user_exists(personas, client):
    unknown = _log_in(client, "no-such-user", "wrong").text
    known = _log_in(client, "li", "wrong").text
    assert "Please enter a correct username and password" in unknown
    assert unknown.count("correct username") == known.count("correct username")


def test_password_reset_answers_the_same_for_unknown_addresses(
    personas, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the mail job is queued on commit
        known = client.post(reverse("password_reset"), {"email": personas.salesperson.email})
        unknown = client.post(reverse("password_reset"), {"email": "stranger@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [message.to for message in mail.outbox] == [[personas.salesperson.email]]


def test_a_deactivated_users_session_ends_on_the_next_request(personas, login):
    client = login(personas.manager)
    assert client.get(reverse("home")).status_code == 200
    personas.manager.is_active = False
    personas.manager.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_forbid_framing_and_carry_a_content_security_policy(personas, login):
    response = login(personas.manager).get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_forms_carry_a_csrf_token_and_htmx_sends_it(personas, login):
    response = login(personas.manager).get(reverse("territories:assign", args=[personas.ningbo.pk]))
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert 'hx-headers=\'{"X-CSRFToken": "' in response.text


def test_deploy_check_is_clean_with_production_settings():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "salesops.example.com",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_outside_debug():
    env = {"DEBUG": "0", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
