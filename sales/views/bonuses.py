"""First-to-target bonuses (rules.md §7.7): the director's page to approve them, and its export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers import exporting
from sales.services import bonuses as services
from salesops import approvals
from salesops.errors import DomainError
from salesops.forms import DecisionForm

# Pending ones first, then the newest months: a table within 200 rows however many years of
# bonuses a company holds (docs/performance.md, P3). The bonuses are one a region and month at
# most, so counting them for the pages is a small read.
BONUSES_PER_PAGE = 50


@login_required
@require_GET
def bonus_list(request: HttpRequest) -> HttpResponse:
    if not services.sees_bonuses(request.user):
        raise PermissionDenied
    page = Paginator(services.bonuses_for(request.user), BONUSES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"bonuses": page.object_list, "page": page, "form": _decision_form()}
    return render(request, "sales/bonuses.html", context)


def _decision_form(data=None) -> DecisionForm:
    return DecisionForm(data, decisions=approvals.workflow("bonus").decisions)


@login_required
@require_POST
def bonus_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.sees_bonuses(request.user):
        raise PermissionDenied
    bonus = get_object_or_404(services.bonuses_for(request.user), pk=pk)
    form = _decision_form(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to reject."))
        return redirect("sales:bonuses")
    try:
        services.decide_bonus(bonus=bonus, by=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Bonus decided."))
    return redirect("sales:bonuses")


@login_required
@require_GET
def bonus_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if not services.sees_bonuses(request.user):
        raise PermissionDenied
    headers = [
        _("Month"),
        _("Region"),
        _("Salesperson"),
        _("Amount"),
        _("Status"),
        _("Decided by"),
    ]
    rows = (
        [
            f"{bonus.month:%Y-%m}",
            str(bonus.region),
            str(bonus.salesperson),
            bonus.amount,
            bonus.get_status_display(),
            str(bonus.decided_by or ""),
        ]
        for bonus in services.bonuses_for(request.user)
    )
    data = exporting.dataset(headers, rows)
    return exporting.response(data, file_format=file_format, name="bonuses")
