"""The production-shaped deployment: the settings' switches, the health check behind any
ALLOWED_HOSTS, and the proxy's headers."""

import json
import secrets
import subprocess
import sys

import pytest
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from salesops.settings import env_flag

SHOWN = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER",
    "AXES_CLIENT_IP_CALLABLE",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
]
SHOW = (
    "import json; from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name, None) for name in {SHOWN!r}}}))"
)


def _production(**variables: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "salesops.example.com",
        "DATABASE_URL": "sqlite:////tmp/deploy-settings.sqlite3",
        "DJANGO_SETTINGS_MODULE": "salesops.settings",
        "PATH": "/usr/bin:/bin",
        **variables,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (this file's own arguments)
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _settings_under(**variables: str) -> dict:
    result = _run(["-c", SHOW], _production(**variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- the settings' switches ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" on ", True),
        ("0", False),
        ("FALSE", False),
        ("no", False),
        ("off", False),
    ],
)
def test_flags_read_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SALESOPS_TEST_FLAG", raw)
    assert env_flag("SALESOPS_TEST_FLAG", default=not expected) is expected


def test_an_unset_or_empty_flag_is_the_default(monkeypatch):
    monkeypatch.delenv("SALESOPS_TEST_FLAG", raising=False)
    assert env_flag("SALESOPS_TEST_FLAG", default=True) is True
    monkeypatch.setenv("SALESOPS_TEST_FLAG", "")
    assert env_flag("SALESOPS_TEST_FLAG", default=False) is False


@pytest.mark.parametrize("raw", ["maybe", "ture", "2", "enabled"])
def test_a_misspelt_flag_stops_rather_than_reads_as_no(monkeypatch, raw):
    monkeypatch.setenv("SALESOPS_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SALESOPS_TEST_FLAG"):
        env_flag("SALESOPS_TEST_FLAG", default=False)


def test_production_settings_insist_on_https_and_trust_no_forwarded_header():
    shown = _settings_under()
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 31536000 and shown["SECURE_HSTS_PRELOAD"] is True
    assert shown["SESSION_COOKIE_SECURE"] is True and shown["CSRF_COOKIE_SECURE"] is True
    # Not behind our proxy: X-Forwarded-Proto/-For could come from anyone.
    assert shown["SECURE_PROXY_SSL_HEADER"] is None
    assert shown["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]


def test_the_local_plain_http_mode_turns_the_https_rules_off():
    shown = _settings_under(SALESOPS_HTTP_ONLY="1")
    assert shown["DEBUG"] is False
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0 and shown["SECURE_HSTS_PRELOAD"] is False
    assert shown["SESSION_COOKIE_SECURE"] is False and shown["CSRF_COOKIE_SECURE"] is False


def test_behind_the_proxy_its_headers_are_trusted():
    shown = _settings_under(SALESOPS_BEHIND_PROXY="1")
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SECURE_SSL_REDIRECT"] is True
    # The client address comes from django-ipware, not from code of our own.
    assert shown["AXES_CLIENT_IP_CALLABLE"] is None
    assert shown["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert shown["AXES_IPWARE_PROXY_COUNT"] == 0  # Caddy alone: no inner proxy in the header


def test_the_number_of_proxies_is_configured():
    shown = _settings_under(SALESOPS_BEHIND_PROXY="1", SALESOPS_PROXY_COUNT="2")
    assert shown["AXES_IPWARE_PROXY_COUNT"] == 1
    result = _run(["-c", SHOW], _production(SALESOPS_BEHIND_PROXY="1", SALESOPS_PROXY_COUNT="0"))
    assert result.returncode != 0
    assert "SALESOPS_PROXY_COUNT must be at least 1" in result.stderr


def test_a_misspelt_switch_stops_the_start_up():
    result = _run(["-c", SHOW], _production(SALESOPS_HTTP_ONLY="ture"))
    assert result.returncode != 0
    assert "SALESOPS_HTTP_ONLY must be one of" in result.stderr


def test_deploy_check_is_clean_as_the_compose_file_runs_the_app():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production(SALESOPS_BEHIND_PROXY="1", SALESOPS_HTTP_ONLY="0"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- health check and proxy headers ----------------------------------------------------------


@pytest.fixture
def production_host(settings):
    """A real domain in ALLOWED_HOSTS and HTTPS enforced, as in production."""
    settings.ALLOWED_HOSTS = ["salesops.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    return "salesops.example.com"


@pytest.mark.django_db
def test_the_health_check_answers_whatever_allowed_hosts_names(production_host, client):
    # What the compose health check sends: plain HTTP to 127.0.0.1:8000.
    response = client.get("/health/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    # Every other URL still checks the host...
    assert client.get(reverse("login"), HTTP_HOST="127.0.0.1:8000").status_code == 400
    # ...and sends plain HTTP to HTTPS.
    redirect = client.get(reverse("login"), HTTP_HOST=production_host)
    assert redirect.status_code == 301
    assert redirect["Location"] == f"https://{production_host}{reverse('login')}"


@pytest.mark.django_db
def test_only_behind_the_proxy_is_x_forwarded_proto_believed(production_host, client, settings):
    spoofed = client.get(
        reverse("login"), HTTP_HOST=production_host, HTTP_X_FORWARDED_PROTO="https"
    )
    assert spoofed.status_code == 301

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    behind_proxy = Client()
    through_https = behind_proxy.get(
        reverse("login"), HTTP_HOST=production_host, HTTP_X_FORWARDED_PROTO="https"
    )
    assert through_https.status_code == 200
    through_http = behind_proxy.get(
        reverse("login"), HTTP_HOST=production_host, HTTP_X_FORWARDED_PROTO="http"
    )
    assert through_http.status_code == 301


@pytest.fixture
def behind_proxies(settings):
    """The settings SALESOPS_BEHIND_PROXY=1 gives, with `count` proxies in front of the app."""

    def _behind(count: int = 1):
        settings.AXES_IPWARE_PROXY_COUNT = count - 1
        settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

    return _behind


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(behind_proxies):
    behind_proxies(1)
    factory = RequestFactory()
    forwarded = factory.get(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="172.18.0.5"
    )
    assert get_client_ip_address(forwarded) == "198.51.100.7"
    direct = factory.get("/", REMOTE_ADDR="172.18.0.5")
    assert get_client_ip_address(direct) == "172.18.0.5"


def test_behind_two_proxies_the_client_is_left_of_the_inner_proxy(behind_proxies):
    behind_proxies(2)
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7, 10.0.0.2", REMOTE_ADDR="10.0.0.3"
    )
    assert get_client_ip_address(request) == "198.51.100.7"


def test_a_server_reached_directly_ignores_the_forwarded_header():
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="203.0.113.50"
    )
    assert get_client_ip_address(request) == "203.0.113.50"


def _fail_login(client, username: str, client_address: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": "wrong"},
        HTTP_X_FORWARDED_FOR=client_address,
        REMOTE_ADDR="172.18.0.5",  # the proxy, for every client
    )


@pytest.mark.django_db
def test_behind_the_proxy_a_lockout_locks_one_client_not_everyone(personas, behind_proxies):
    behind_proxies(1)
    attacker = Client()
    for _ in range(5):
        _fail_login(attacker, "li", "198.51.100.66")
    assert _fail_login(attacker, "li", "198.51.100.66").status_code == 429
    # The real user, elsewhere, behind the same proxy, still gets in.
    response = Client().post(
        reverse("login"),
        {"username": "li", "password": personas.password},
        HTTP_X_FORWARDED_FOR="203.0.113.20",
        REMOTE_ADDR="172.18.0.5",
    )
    assert response.status_code == 302
