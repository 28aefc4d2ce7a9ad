from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from salesops import access, approvals
from salesops.errors import DomainError
from salesops.forms import add_domain_error, clean_search_text
from salesops.names import name_contains
from salesops.navigation import page_panels
from territories import selectors, services
from territories.forms import (
    AssignForm,
    CrossTerritoryRequestForm,
    DrawForm,
    EndAssignmentForm,
)
from territories.models import Region


@login_required
@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    regions = list(selectors.regions_for(request.user))
    if len(regions) == 1:
        # One region in scope: show it here rather than redirect, so the page costs one
        # request's queries, not two (docs/performance.md, P2).
        return _region_page(request, regions[0])
    return render(request, "territories/region_list.html", {"regions": regions})


@login_required
@require_GET
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _region_page(request, selectors.region_for(request.user, code))


def _region_page(request: HttpRequest, region: Region) -> HttpResponse:
    context = {
        "region": region,
        "tree": selectors.region_tree(request.user, region),
        "can_manage": access.can_manage_region(request.user, region),
        "history": selectors.assignment_history(request.user, region)[:20],
        # Panels of the apps above (blank areas need customers and visits, rules.md §2.6).
        "panels": page_panels("region", request, region=region),
    }
    return render(request, "territories/region_detail.html", context)


@login_required
@require_GET
def territory_children(request: HttpRequest, pk: int) -> HttpResponse:
    territory = selectors.territory_for(request.user, pk)
    context = {
        "territories": selectors.children_of(request.user, territory),
        "can_manage": access.can_manage_region(request.user, territory.region),
    }
    return render(request, "territories/_partials/territory_rows.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    territory = selectors.managed_territory_for(request.user, pk)
    form = AssignForm(request.POST or None, region=territory.region)
    if form.is_valid():
        try:
            services.assign_territory(territory=territory, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(territory)s assigned.") % {"territory": territory})
            return redirect("territories:region", code=territory.region.code)
    return render(request, "territories/assign.html", {"territory": territory, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def end_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.managed_assignment_for(request.user, pk)
    form = EndAssignmentForm(request.POST or None)
    if form.is_valid():
        try:
            services.end_assignment(assignment=assignment, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Assignment ended."))
            return redirect("territories:region", code=assignment.territory.region.code)
    return render(
        request, "territories/end_assignment.html", {"assignment": assignment, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def draw(request: HttpRequest, pk: int) -> HttpResponse:
    territory = selectors.managed_territory_for(request.user, pk)
    form = DrawForm(request.POST or None, region=territory.region)
    if form.is_valid():
        try:
            result = services.run_draw(territory=territory, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Draw held: %(winner)s wins %(territory)s.")
                % {"winner": result.winner, "territory": territory},
            )
            return redirect("territories:region", code=territory.region.code)
    history = territory.draws.prefetch_related("candidates").select_related("winner", "drawn_by")
    return render(
        request, "territories/draw.html", {"territory": territory, "form": form, "draws": history}
    )


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    requests = list(selectors.cross_territory_requests_for(request.user)[:200])
    for item in requests:
        item.decision = approvals.buttons(item, request.user)
    context = {"requests": requests, "can_request": request.user.sells}
    return render(request, "territories/request_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    if not request.user.sells:
        raise PermissionDenied
    # A refusal across the territory line links here with the customer filled in.
    initial = {"customer": request.GET.get("customer")}
    form = CrossTerritoryRequestForm(request.POST or None, user=request.user, initial=initial)
    if form.is_valid():
        try:
            services.request_cross_territory(by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Request sent to your regional manager."))
            return redirect("territories:requests")
    return render(request, "territories/request_new.html", {"form": form})


@login_required
@require_GET
def request_customers(request: HttpRequest) -> HttpResponse:
    """Suggestions for the request form: customers the user may ask for, matching the text."""
    customers = selectors.customers_open_to_request(request.user)
    text = clean_search_text(request.GET.get("customer"))
    if text:
        customers = customers.filter(name_contains(customers.model, text))[:10]
    else:
        customers = customers.none()
    return render(request, "_partials/customer_options.html", {"customers": customers})


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address: forwards the POST to the one decision address (307 keeps it a POST)."""
    return redirect("decide", key="cross_territory_request", pk=pk, preserve_request=True)
