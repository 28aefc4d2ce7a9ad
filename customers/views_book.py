"""Import, handover and competitor pages (the list and customer pages are in views.py)."""

from celery.result import AsyncResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import exporting, importing, selectors, services
from customers.forms import ColumnMappingForm, HandoverForm, ImportConfirmForm, ImportUploadForm
from customers.models import ImportBatch
from salesops import access
from salesops.errors import DomainError
from salesops.forms import add_domain_error

PREVIEW_LINES = 100
HANDOVER_READERS = {"manager", "director", "head_office", "admin"}


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    if not access.changeable_territories(request.user).exists():
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = importing.prepare_import(
                content=upload.read(),
                file_name=upload.name,
                by=request.user,
                default_territory=form.cleaned_data["default_territory"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("customers:import_preview", pk=batch.pk)
    return render(request, "customers/import_upload.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_for(request.user, pk)
    form = ImportConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            importing.confirm_import(batch=batch, by=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("customers:import_status", pk=batch.pk)
    flagged = {item["line"]: item["matches"] for item in batch.duplicates}
    context = {
        "batch": batch,
        "form": form,
        "mapping_form": ColumnMappingForm(columns=batch.columns),
        "lines": [(row, flagged.get(row["line"])) for row in batch.rows[:PREVIEW_LINES]],
    }
    return render(request, "customers/import_preview.html", context)


@login_required
@require_POST
def import_columns(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_batch_for(request.user, pk)
    form = ColumnMappingForm(request.POST, columns=batch.columns)
    if form.is_valid():
        try:
            importing.remap_columns(batch=batch, by=request.user, mapping=form.mapping())
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, " ".join(form.non_field_errors()))
    return redirect("customers:import_preview", pk=batch.pk)


@login_required
@require_GET
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The page a user waits on: htmx polls the same partial until the import ends."""
    batch = selectors.import_batch_for(request.user, pk)
    if batch.status == ImportBatch.Status.PREVIEW:
        return redirect("customers:import_preview", pk=batch.pk)
    done = _progress(batch)
    context = {"batch": batch, "done": done, "percent": done * 100 // max(batch.total, 1)}
    template = (
        "customers/_partials/import_status.html" if request.htmx else "customers/import_status.html"
    )
    return render(request, template, context)


def _progress(batch: ImportBatch) -> int:
    if batch.status == ImportBatch.Status.DONE:
        return batch.total
    if batch.status == ImportBatch.Status.RUNNING and batch.task_id:
        info = AsyncResult(batch.task_id).info
        if isinstance(info, dict):
            return int(info.get("done", 0))
    return 0


@login_required
@require_GET
def handover_list(request: HttpRequest) -> HttpResponse:
    if not (request.user.role in HANDOVER_READERS or request.user.is_admin):
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


@login_required
@require_http_methods(["GET", "POST"])
def competitor_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not access.changeable_territories(request.user).exists():
            raise PermissionDenied
        try:
            services.register_competitor(
                name=request.POST.get("name", ""),
                brand=request.POST.get("brand", ""),
                by=request.user,
            )
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("customers:competitors")
    context = {
        "competitors": selectors.competitors()[:200],
        "can_add": access.changeable_territories(request.user).exists(),
    }
    return render(request, "customers/competitor_list.html", context)
