from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from salesops import access, approvals
from salesops.errors import DomainError, OutsideTerritory
from salesops.forms import add_domain_error, clean_search_text
from salesops.keyset import page_of_request
from salesops.navigation import page_panels
from salesops.suggestions import person_options
from visits import diagram, selectors, services
from visits.forms import (
    PlannedVisitForm,
    TripPlanForm,
    VisitChangeForm,
    VisitForm,
    VisitLogFilterForm,
)
from visits.services import COST_FIELDS, VISIT_FIELDS

PLANS_PER_PAGE = 25  # a page of one salesperson's trips, the latest first


def _require_seller(user) -> None:
    if not user.sells:  # the menu shows "Log a visit" by the same test (visits/nav.py)
        raise PermissionDenied


# --- trip plans -------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """Keyset pages, latest trip first: the list stopped at 100 plans, and showed three years
    of a salesperson's trips where one was asked for."""
    page = page_of_request(
        request,
        selectors.my_trip_plans(request.user),
        ordering="-starts_on",
        size=PLANS_PER_PAGE,
    )
    context = {"page": page, "query": "", "can_plan": request.user.sells}
    return render(request, "visits/plan_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    _require_seller(request.user)
    form = TripPlanForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            plan = services.create_trip_plan(by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Draft saved. Now add the planned visits."))
            return redirect("visits:plan", pk=plan.pk)
    return render(request, "visits/plan_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.own_trip_plan_for(request.user, pk)
    initial = {field: getattr(plan, field) for field in ["title", "starts_on", "ends_on"]}
    initial |= {field: getattr(plan, field) for field in COST_FIELDS}
    initial["cities"] = list(plan.cities.all())
    form = TripPlanForm(request.POST or None, user=request.user, initial=initial)
    if form.is_valid():
        try:
            services.update_trip_plan(plan=plan, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("visits:plan", pk=plan.pk)
    return render(request, "visits/plan_form.html", {"form": form, "plan": plan})


def _plan_context(request: HttpRequest, plan, form=None, outside=None) -> dict:
    days = selectors.plan_days(plan)
    for day in days:
        day["diagram"] = diagram.route_svg(day["route"])
    is_owner = plan.salesperson_id == request.user.pk
    return {
        "plan": plan,
        "days": days,
        "completion": selectors.completion(plan),
        "transitions": plan.transitions.select_related("by"),
        "can_edit": is_owner and plan.is_editable,
        "can_complete": is_owner
        and plan.status == plan.Status.APPROVED
        and plan.ends_on <= timezone.localdate(),
        "today": timezone.localdate(),
        "can_log_visits": is_owner and plan.status in (plan.Status.APPROVED, plan.Status.COMPLETED),
        "decision": approvals.buttons(plan, request.user),
        "needs_director": services.needs_director(plan),
        "form": form or PlannedVisitForm(user=request.user, initial={"day": plan.starts_on}),
        "outside": outside,
        # Panels of the apps above (the expense cap and the plan's spend, rules.md §8.5).
        "panels": page_panels("trip_plan", request, plan=plan),
    }


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.trip_plan_for(request.user, pk)
    return render(request, "visits/plan_detail.html", _plan_context(request, plan))


@login_required
@require_POST
def planned_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.own_trip_plan_for(request.user, pk)
    form = PlannedVisitForm(request.POST, user=request.user)
    outside = None
    if form.is_valid():
        try:
            services.add_planned_visit(plan=plan, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
            outside = error.customer if isinstance(error, OutsideTerritory) else None
        else:
            form = PlannedVisitForm(user=request.user, initial={"day": form.cleaned_data["day"]})
    if not request.htmx:
        return redirect("visits:plan", pk=plan.pk)
    context = _plan_context(request, plan, form, outside)
    return render(request, "visits/_partials/plan_days.html", context)


@login_required
@require_POST
def planned_remove(request: HttpRequest, pk: int, planned_pk: int) -> HttpResponse:
    plan = selectors.own_trip_plan_for(request.user, pk)
    planned = selectors.planned_visits_of(plan).filter(pk=planned_pk).first()
    if planned is not None:
        try:
            services.remove_planned_visit(planned_visit=planned, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
    if not request.htmx:
        return redirect("visits:plan", pk=plan.pk)
    return render(request, "visits/_partials/plan_days.html", _plan_context(request, plan))


def _plan_action(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    plan = selectors.own_trip_plan_for(request.user, pk)
    try:
        service(plan=plan, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("visits:plan", pk=plan.pk)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(
        request, pk, services.submit_trip_plan, _("Plan submitted to your regional manager.")
    )


@login_required
@require_POST
def plan_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(request, pk, services.complete_trip_plan, _("Trip marked as completed."))


# --- approvals --------------------------------------------------------------------------------


@login_required
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    """The old queue's address: "Waiting for me", showing trip plans only."""
    return redirect(f"{reverse('waiting')}?type=trip_plan")


@login_required
@require_GET
def approval_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's costs and routes, unfolded in place (read without leaving the page)."""
    plan = selectors.trip_plan_for(request.user, pk)
    context = {**_plan_context(request, plan), "can_edit": False}
    return render(request, "visits/_partials/plan_summary.html", context)


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address: forwards the POST to the one decision address (307 keeps it a POST)."""
    return redirect("decide", key="trip_plan", pk=pk, preserve_request=True)


# --- visit records ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest) -> HttpResponse:
    _require_seller(request.user)
    form = VisitForm(
        request.POST or None, user=request.user, initial={"customer": request.GET.get("customer")}
    )
    saved = outside = None
    if form.is_valid():
        try:
            saved = services.record_visit(
                by=request.user,
                customer=form.cleaned_data["customer"],
                visited_at=form.cleaned_data["visited_at"],
                competitors=form.competitors(),
                **form.visit_details(),
            )
        except DomainError as error:
            add_domain_error(form, error)
            outside = error.customer if isinstance(error, OutsideTerritory) else None
        else:
            form = VisitForm(user=request.user, initial={"visited_at": saved.visited_at})
    template = "visits/_partials/visit_entry.html" if request.htmx else "visits/visit_form.html"
    context = {
        "form": form,
        "saved": saved,
        "outside": outside,  # rules.md §2.5: offer the cross-territory request for it
        "today": selectors.entered_today(request.user),
    }
    return render(request, template, context)


@login_required
@require_GET
def customer_options(request: HttpRequest) -> HttpResponse:
    text = clean_search_text(request.GET.get("customer"))
    customers = selectors.customer_suggestions(request.user, text)
    return render(request, "_partials/customer_options.html", {"customers": customers})


@login_required
@require_GET
def salesperson_options(request: HttpRequest) -> HttpResponse:
    """The visit log's salesperson suggestions."""
    return person_options(request, selectors.people_in_log(request.user), "salesperson")


@login_required
@require_GET
def visit_log(request: HttpRequest) -> HttpResponse:
    form = VisitLogFilterForm(
        request.GET or None,
        people=selectors.people_in_log(request.user),
        customers=selectors.customers_in_view(request.user),
    )
    # A filter the user got wrong is said beside it, and lists nothing rather than every visit.
    if form.is_bound and not form.is_valid():
        visits = []
    else:
        filters = form.cleaned_data if form.is_bound else {}
        visits = selectors.mark_locked(list(selectors.visit_log(request.user, **filters)[:200]))
    can_correct = access.is_manager(request.user) or request.user.is_admin
    context = {"form": form, "visits": visits, "can_correct": can_correct}
    return render(request, "visits/visit_log.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_for(request.user, pk)
    is_owner = visit.salesperson_id == request.user.pk
    if not (is_owner or access.is_regional_manager_of(request.user, visit.territory.region)):
        raise PermissionDenied
    initial = {field: getattr(visit, field) for field in VISIT_FIELDS}
    form = VisitChangeForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.change_visit(visit=visit, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Visit saved."))
            return redirect("visits:log")
    context = {
        "form": form,
        "visit": visit,
        "is_correction": not is_owner,
        "history": selectors.visit_history(visit),
    }
    return render(request, "visits/visit_edit.html", context)


@login_required
@require_GET
def market(request: HttpRequest, pk: int) -> HttpResponse:
    territory = selectors.market_territory_for(request.user, pk)
    context = {
        "territory": territory,
        "competitors": selectors.top_competitors(territory),
        "terminal_customers": selectors.top_terminal_customers(territory),
    }
    return render(request, "visits/market.html", context)
