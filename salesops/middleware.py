"""Project middleware: the health check ahead of the host check, the per-request company
settings, and the client address as our proxy reports it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from salesops import views
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


def client_ip_behind_proxy(request: HttpRequest) -> str | None:
    """The client's address behind our one proxy (settings: SALESOPS_BEHIND_PROXY): the last
    X-Forwarded-For entry, the one the proxy appended. Earlier entries come from the client and
    prove nothing. Without the header, the peer's address."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR")
