"""Project middleware: the health check ahead of the host check, the per-request company
settings, and the second sign-in factor."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from salesops import mfa, views
from salesops.models import CompanySettings

HEALTH_PATH = "/health/"


class HealthCheckMiddleware:
    """Answers /health/ before anything reads the Host header: the container health check asks
    for http://127.0.0.1:8000/health/ whatever ALLOWED_HOSTS names, and over plain HTTP even
    when every other URL redirects to HTTPS. The answer names no host, so nothing relies on
    the Host header being genuine. First in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH:
            return views.health(request)
        return self.get_response(request)


class CompanySettingsPerRequestMiddleware:
    """`CompanySettings.current()` reads the row once per request (see `per_request`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with CompanySettings.per_request():
            return self.get_response(request)


class SecondFactorMiddleware:
    """Holds a user whose role needs the second factor (salesops.mfa) at the code page until
    the session is verified: the set-up page when they have no authenticator yet. Only those
    pages, logging out, the language switch and static files answer meanwhile. After
    django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if mfa.is_pending(request.user) and not _open_while_pending(request.path_info):
            return _to_second_factor(request)
        return self.get_response(request)


def _open_while_pending(path: str) -> bool:
    names = ("mfa_verify", "mfa_setup", "mfa_recovery_codes", "logout", "set_language")
    return path in {reverse(name) for name in names} or path.startswith(
        (f"/{settings.STATIC_URL.lstrip('/')}", "/favicon.ico")
    )


def _to_second_factor(request: HttpRequest) -> HttpResponse:
    target = "mfa_verify" if mfa.has_authenticator(request.user) else "mfa_setup"
    if request.headers.get("HX-Request"):
        # An in-place action: the whole page goes to the code page, not the swapped part.
        return HttpResponseClientRedirect(reverse(target))
    if request.method == "GET":
        return redirect_to_login(request.get_full_path(), reverse(target), "next")
    return HttpResponseRedirect(reverse(target))
