"""The book of business: the filtered list and its exports, the customer page, edits
(rules.md §3.3, §4.2)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import exporting, selectors, services
from customers.filters import CustomerFilter
from customers.forms import (
    ContactForm,
    CreditIncidentForm,
    CustomerForm,
    NewCustomerForm,
    ReassignForm,
)
from salesops import access
from salesops import exporting as streamed_exports
from salesops.errors import DomainError
from salesops.forms import add_domain_error
from salesops.keyset import bounded_count, page_of_request
from salesops.models import CompanySettings
from salesops.suggestions import person_options

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> CustomerFilter:
    return CustomerFilter(
        request.GET or None, queryset=selectors.customers_for(request.user), user=request.user
    )


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    """Keyset pages: page 1,000 costs what page 1 costs, and the count stops at 1,000."""
    customers = _filtered(request)
    ordering = (customers.qs.query.order_by or ("name",))[0]
    count, more = bounded_count(customers.qs)
    context = {
        "filter": customers,
        "page": page_of_request(
            request,
            customers.qs,
            ordering=ordering,
            size=PAGE_SIZE,
        ),
        "count": count,
        "more": more,
        "query": _query_without_page(request),
        "rules": CompanySettings.current(),
        "can_add": access.changeable_territories(request.user).exists(),
    }
    return render(request, "customers/customer_list.html", context)


@login_required
@require_GET
def owner_options(request: HttpRequest) -> HttpResponse:
    """The owner filter's suggestions."""
    return person_options(request, selectors.owner_choices(request.user), "owner")


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    return query.urlencode()


@login_required
@require_GET
def customer_export(request: HttpRequest, file_format: str) -> HttpResponse:
    customers = _filtered(request).qs[: exporting.MAX_EXPORT_ROWS]
    headers, rows = exporting.customer_rows(customers)
    file_format = file_format if file_format in streamed_exports.CONTENT_TYPES else "csv"
    return streamed_exports.streamed(headers, rows, file_format=file_format, name="customers")


@login_required
@require_http_methods(["GET", "POST"])
def customer_new(request: HttpRequest) -> HttpResponse:
    if not access.changeable_territories(request.user).exists():
        raise PermissionDenied
    form = NewCustomerForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            customer = services.create_customer(
                by=request.user,
                contacts=form.contacts(),
                allow_duplicate=form.cleaned_data["allow_duplicate"],
                **form.customer_values(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": customer})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form})


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_page(request.user, pk)
    context = {
        "customer": customer,
        "visits": selectors.recent_visits(customer),
        "sales": selectors.recent_sales(customer),
        "can_change": selectors.can_change(request.user, customer),
        "can_log_visit": selectors.can_log_visit(request.user, customer),
        "can_reassign": access.can_manage_region(request.user, customer.territory.region),
        "contact_form": ContactForm(),
        "rules": CompanySettings.current(),
    }
    return render(request, "customers/customer_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.changeable_customer_for(request.user, pk)
    initial = {name: getattr(customer, name) for name in services.CUSTOMER_FIELDS}
    form = CustomerForm(request.POST or None, initial=initial, user=request.user)
    if form.is_valid():
        try:
            services.update_customer(
                customer=customer,
                by=request.user,
                allow_duplicate=form.cleaned_data["allow_duplicate"],
                **form.customer_values(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@login_required
@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.changeable_customer_for(request.user, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.add_contact(customer=customer, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Contact added."))
    else:
        messages.error(request, _("The contact was not added: check its name and phone."))
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_POST
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    customer = selectors.changeable_customer_for(request.user, pk)
    contact = get_object_or_404(customer.contacts, pk=contact_pk)
    services.remove_contact(contact=contact, by=request.user)
    messages.success(request, _("Contact removed."))
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def customer_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_for(request.user, pk)
    region = customer.territory.region
    if not access.can_manage_region(request.user, region):
        raise PermissionDenied
    form = ReassignForm(request.POST or None, region=region)
    if form.is_valid():
        try:
            services.reassign_customer(customer=customer, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s reassigned.") % {"name": customer})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/reassign.html", {"customer": customer, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def customer_credit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_for(request.user, pk)
    form = CreditIncidentForm(request.POST or None)
    if request.method == "POST":
        if not selectors.can_change(request.user, customer):
            raise PermissionDenied
        if form.is_valid():
            services.record_credit_incident(customer=customer, by=request.user, **form.cleaned_data)
            messages.success(request, _("Recorded."))
            return redirect("customers:credit", pk=customer.pk)
    context = {
        "customer": customer,
        "decision": services.evaluate_credit(customer=customer),
        "incidents": customer.credit_incidents.all()[:50],
        "form": form,
        "can_change": selectors.can_change(request.user, customer),
    }
    return render(request, "customers/credit.html", context)
