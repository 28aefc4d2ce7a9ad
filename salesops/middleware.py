"""Project middleware: the health check ahead of the host check, and the per-request company
settings."""

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
