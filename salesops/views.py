from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from salesops import access
from salesops import company_settings as settings_service
from salesops.errors import DomainError
from salesops.forms import CompanySettingsForm, add_domain_error
from salesops.models import CompanySettings
from salesops.months import add_months, current_month
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


@login_required
@require_http_methods(["GET", "POST"])
def company_settings(request: HttpRequest) -> HttpResponse:
    """Head office (and the administrator) set the rules' numbers, from a date on (rules.md
    §0.3): a version per change, so months already scored keep the numbers they had."""
    if not settings_service.can_edit_settings(request.user):
        raise PermissionDenied
    in_force = CompanySettings.current()
    initial = {"effective_from": max(timezone.localdate(), add_months(current_month(), 1))}
    form = CompanySettingsForm(request.POST or None, instance=in_force, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            settings_service.change_settings(
                by=request.user,
                effective_from=form.cleaned_data["effective_from"],
                values=form.values(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("company_settings")
    context = {
        "form": form,
        "in_force": in_force,
        "versions": settings_service.versions(),
        "today": timezone.localdate(),
    }
    return render(request, "company_settings.html", context)
