from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from salesops import access
from salesops.navigation import home_panels


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "regions": access.visible_regions(request.user),
        "panels": home_panels(request),
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For the load balancer and the compose health check: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before they read the page's icon link."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
