from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sales.forms.scoring import QuotaGridForm, ScoringRunForm, SpreadForm
from sales.selectors import attainment as selectors
from sales.selectors import quotas as quota_selectors
from sales.services import bonuses as bonus_services
from sales.services import quotas as quota_services
from sales.services import scoring_runs
from salesops.errors import DomainError
from salesops.forms import add_domain_error, month_parameter
from salesops.months import add_months, current_month, half_year_of, months_between
from territories.selectors import regions_for, sellers_in


def _period(request: HttpRequest):
    default = selectors.latest_scored_month(request.user, own=True) or current_month()
    return half_year_of(month_parameter(request, request.GET.get("period"), default))


@login_required
@require_GET
def my_attainment(request: HttpRequest) -> HttpResponse:
    if not request.user.sells:
        raise PermissionDenied
    period = _period(request)
    context = {"rows": selectors.my_attainment(request.user, period), "period": period}
    if request.htmx:
        return render(request, "sales/_partials/my_attainment_table.html", context)
    return render(request, "sales/my_attainment.html", context)


@login_required
@require_GET
def team_attainment(request: HttpRequest) -> HttpResponse:
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    default = selectors.latest_scored_month(request.user) or current_month()
    month = month_parameter(request, request.GET.get("month"), default)
    rows = selectors.team_attainment(request.user, month, request.GET.get("region", ""))
    context = {
        "rows": rows,
        "month": month,
        "form": ScoringRunForm(
            initial={"first_month": f"{month:%Y-%m}", "last_month": f"{month:%Y-%m}"}
        ),
        "can_run": scoring_runs.can_run_scoring(request.user),
        "sees_bonuses": bonus_services.sees_bonuses(request.user),
        "regions": regions_for(request.user),
        "region_code": request.GET.get("region", ""),
    }
    return render(request, "sales/team_attainment.html", context)


@login_required
@require_POST
def run_scoring(request: HttpRequest) -> HttpResponse:
    if not scoring_runs.can_run_scoring(request.user):
        raise PermissionDenied
    form = ScoringRunForm(request.POST)
    if not form.is_valid():
        return render(request, "sales/_partials/scoring_run.html", {"form_errors": form.errors})
    try:
        run = scoring_runs.start_scoring_run(by=request.user, **form.cleaned_data)
    except DomainError as error:
        return render(request, "sales/_partials/scoring_run.html", {"error": error.message})
    if request.htmx:
        return render(request, "sales/_partials/scoring_run.html", {"run": run})
    messages.info(request, _("Scores are being recomputed."))
    return redirect("sales:team_attainment")


@login_required
@require_GET
def scoring_run_status(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.scoring_run_for(request.user, pk)
    return render(request, "sales/_partials/scoring_run.html", {"run": run})


def _grid_context(request, region_code, period) -> dict:
    months = months_between(period, add_months(period, 5))
    grid = quota_selectors.quota_grid_for(request.user, region_code, months)
    rows = quota_selectors.grid_rows(grid)
    dealer_rows = quota_selectors.dealer_rows(grid)
    total_cells = quota_selectors.region_total_cells(grid)
    open_months = [month for month in months if month >= current_month()]
    cells = [cell for row in rows + dealer_rows for cell in row["cells"]] + total_cells
    return {
        "grid": grid,
        "rows": rows,
        "dealer_rows": dealer_rows,
        "total_cells": total_cells,
        "open_months": open_months,
        "open_cells": [cell["name"] for cell in cells if cell["month"] in open_months],
        "closed_cells": [cell["name"] for cell in cells if cell["month"] not in open_months],
        "all_cells": cells,
        "can_edit": quota_services.can_set_quotas(request.user, grid.region),
        "period": period,
        "regions": regions_for(request.user),
    }


def _save_grid(request, context, form, spread) -> bool:
    """Save the grid or spread a total; True when something was saved."""
    region = context["grid"].region
    try:
        if form.is_bound and form.is_valid():
            cells = quota_selectors.parse_cells(form.cells())
            quota_services.save_quota_grid(by=request.user, region=region, **cells)
            messages.success(request, _("Quotas saved."))
            return True
        if spread.is_bound and spread.is_valid():
            months = context["open_months"]
            quota_services.spread_total(
                by=request.user, region=region, months=months, **spread.cleaned_data
            )
            messages.success(request, _("Total spread over the open months."))
            return True
    except DomainError as error:
        add_domain_error(spread if spread.is_bound else form, error)
    return False


@login_required
@require_http_methods(["GET", "POST"])
def quota_grid(request: HttpRequest, region_code: str) -> HttpResponse:
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    period = half_year_of(month_parameter(request, request.GET.get("period"), current_month()))
    context = _grid_context(request, region_code, period)
    if request.method == "POST" and not context["can_edit"]:
        raise PermissionDenied
    data = request.POST
    form = QuotaGridForm(
        data if "save" in data else None,
        cell_names=context["open_cells"],
        closed_names=context["closed_cells"],
    )
    sellers = sellers_in(context["grid"].region)
    spread = SpreadForm(data if "spread" in data else None, sellers=sellers)
    if _save_grid(request, context, form, spread):
        return redirect(request.get_full_path())
    if form.is_bound:
        _show_refusals(context, form)
    context |= {"form": form, "spread": spread}
    return render(request, "sales/quota_grid.html", context)


def _show_refusals(context, form) -> None:
    """Keep what was typed in each cell and put the reason a cell was refused next to it."""
    for cell in context["all_cells"]:
        cell["typed"] = form.data.get(cell["name"])
        cell["errors"] = form.errors.get(cell["name"], [])


@login_required
@require_GET
def quota_regions(request: HttpRequest) -> HttpResponse:
    """The quota grid of the user's first region (the grid links the others)."""
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    region = regions_for(request.user).first()
    if region is None:
        raise Http404
    return redirect("sales:quota_grid", region_code=region.code)
