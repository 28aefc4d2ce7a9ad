from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sales import sale_lines
from sales.forms.sales import SaleForm, SalesImportForm
from sales.selectors import sales as selectors
from sales.services import sales as services
from sales.services.sales_import_runs import start_sales_import
from salesops.errors import DomainError
from salesops.forms import add_domain_error, month_parameter
from salesops.keyset import page_of_request

PAGE_SIZE = 50


@login_required
@require_GET
def sale_list(request: HttpRequest) -> HttpResponse:
    month = month_parameter(request, request.GET.get("month"))
    # Keyset pages on the sale time (its index): no count over millions of lines.
    page = page_of_request(
        request,
        selectors.sales_in_month(request.user, month),
        ordering="-sold_at",
        size=PAGE_SIZE,
    )
    context = {
        "page": page,
        "query": f"month={month:%Y-%m}" if month else "",
        "month": month,
        "can_import": services.can_import_sales(request.user),
    }
    return render(request, "sales/sale_list.html", context)


def _imported_message(result) -> str:
    return _("Imported: %(created)s new, %(updated)s corrected, %(unchanged)s unchanged.") % {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


@login_required
@require_http_methods(["GET", "POST"])
def sale_import(request: HttpRequest) -> HttpResponse:
    if not services.can_import_sales(request.user):
        raise PermissionDenied
    form = SalesImportForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            record = start_sales_import(
                by=request.user, file_name=form.cleaned_data["file"].name, content=form.content
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The file is queued for import; this page shows how far it got.")
            )
            return redirect(f"{reverse('sales:import')}?job={record.pk}")
    job = _import_job(request)
    if job is not None and request.htmx:
        return render(request, "sales/_partials/import_job.html", {"job": job})
    context = {
        "form": form,
        "imports": selectors.recent_imports(request.user),
        "job": job,
        "max_mb": sale_lines.MAX_FILE_BYTES // (1024 * 1024),
        "max_lines": f"{sale_lines.MAX_LINES:,}",
    }
    return render(request, "sales/sale_import.html", context)


def _import_job(request: HttpRequest):
    """The import named by `?job=`, as the job the page shows (and polls while it runs)."""
    pk = request.GET.get("job", "")
    if request.method != "GET" or not pk.isdigit():
        return None
    return selectors.imports_for(request.user).filter(pk=int(pk)).first()


@login_required
@require_http_methods(["GET", "POST"])
def sale_new(request: HttpRequest) -> HttpResponse:
    if not services.can_import_sales(request.user):
        raise PermissionDenied
    sellers = selectors.sellers_by_region(request.user)
    form = SaleForm(request.POST or None, sellers_by_region=sellers)
    if form.is_valid():
        try:
            result = services.enter_sale(by=request.user, **form.cleaned_data)
        except services.SalesImportRefused as refusal:
            form.add_error(None, "; ".join(message for _line, message in refusal.errors))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _imported_message(result))
            return redirect("sales:list")
    return render(request, "sales/sale_new.html", {"form": form})
