"""Handovers with their notify list (rules.md §3.7), and the competitors registry
(rules.md §6.5)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from customers import exporting, selectors, services
from customers.forms import CompetitorForm, HandoverForm
from salesops import access
from salesops.errors import DomainError
from salesops.forms import add_domain_error


@login_required
@require_GET
def handover_list(request: HttpRequest) -> HttpResponse:
    if not access.sees_team(request.user):
        raise PermissionDenied
    context = {
        "handovers": selectors.handovers_for(request.user)[:100],
        "can_hand_over": access.managed_regions(request.user).exists(),
    }
    return render(request, "customers/handover_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def handover_new(request: HttpRequest) -> HttpResponse:
    if not access.managed_regions(request.user).exists():
        raise PermissionDenied
    form = HandoverForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            handover = services.hand_over(by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Handed over. Tell these customers."))
            return redirect("customers:handover", pk=handover.pk)
    return render(request, "customers/handover_new.html", {"form": form})


@login_required
@require_GET
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handover = selectors.handover_for(request.user, pk)
    context = {"handover": handover, "customers": selectors.notify_list(handover)}
    return render(request, "customers/handover_detail.html", context)


@login_required
@require_GET
def handover_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    handover = selectors.handover_for(request.user, pk)
    rows = (
        (
            customer.name,
            str(customer.territory),
            customer.phone,
            contact.name,
            contact.position,
            contact.phone,
        )
        for customer in selectors.notify_list(handover)
        for contact in (customer.contacts.all() or [_NoContact()])
    )
    headers = [
        _("Customer"),
        _("Territory"),
        _("Phone"),
        _("Contact"),
        _("Position"),
        _("Contact phone"),
    ]
    return exporting.response(
        exporting.dataset(headers, rows), file_format=file_format, name="notify-list"
    )


class _NoContact:
    name = position = phone = ""


def _register_competitor(request: HttpRequest, form: CompetitorForm) -> None:
    """Add the typed competitor, or say (above the list) which field was refused and why."""
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        messages.error(request, f"{form.fields[field].label}: {errors[0]}")
        return
    try:
        services.register_competitor(by=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def competitor_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not access.changeable_territories(request.user).exists():
            raise PermissionDenied
        _register_competitor(request, CompetitorForm(request.POST))
        return redirect("customers:competitors")
    context = {
        "competitors": selectors.competitors()[:200],
        "can_add": access.changeable_territories(request.user).exists(),
    }
    return render(request, "customers/competitor_list.html", context)
