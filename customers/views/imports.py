"""Importing a prospect list: upload, preview with column mapping, progress (rules.md §3.5)."""

import logging

from celery.result import AsyncResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from customers import importing, selectors
from customers.forms import ColumnMappingForm, ImportConfirmForm, ImportUploadForm
from customers.models import ImportBatch
from salesops import access
from salesops.errors import DomainError
from salesops.forms import add_domain_error

log = logging.getLogger(__name__)

PREVIEW_LINES = 100


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
    # Every line can be seen, page by page; the bad lines are listed apart, all of them.
    page = Paginator(batch.rows, PREVIEW_LINES).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "form": form,
        "mapping_form": ColumnMappingForm(columns=batch.columns),
        "page": page,
        "lines": [(row, flagged.get(row["line"])) for row in page],
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
    batch.done = _progress(batch)  # the task reports its progress through the result backend
    context = {"batch": batch}
    template = (
        "customers/_partials/import_status.html" if request.htmx else "customers/import_status.html"
    )
    return render(request, template, context)


def _progress(batch: ImportBatch) -> int:
    if batch.status == ImportBatch.Status.DONE:
        return batch.total
    if batch.is_waiting and batch.task_id:
        # The lines and the batch's state are written in one transaction, so the row moves
        # only at the end: the task reports its progress through the result backend meanwhile.
        info = _reported(batch.task_id)
        if isinstance(info, dict):
            batch.status = ImportBatch.Status.RUNNING
            return max(batch.done, int(info.get("done", 0)))
    return batch.done


def _reported(task_id: str):
    try:
        return AsyncResult(task_id).info
    except Exception:  # the result backend (Redis) is down: the page shows the row as it is
        log.warning("import progress unavailable for task %s", task_id)
        return None
