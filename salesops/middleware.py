"""Project middleware."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from salesops.models import CompanySettings


class CompanySettingsPerRequestMiddleware:
    """`CompanySettings.current()` reads the row once per request (see `per_request`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with CompanySettings.per_request():
            return self.get_response(request)
