"""The quota pages (rules.md §7.3): the salespeople's half-year grid of a region, bounded
by the region's team, and the dealers' monthly targets on a page of their own, keyset-paged by
name, so neither grows with the book of business."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sales.forms.scoring import DealerFilterForm, QuotaGridForm, SpreadForm
from sales.selectors import attainment as selectors
from sales.selectors import quotas as quota_selectors
from sales.services import quotas as quota_services
from salesops.errors import DomainError
from salesops.forms import add_domain_error, month_parameter
from salesops.months import add_months, current_month, half_year_of, months_between
from territories.selectors import chosen_region, regions_for, sellers_in


def _half_year(request: HttpRequest) -> list:
    """The months of the half-year named by `?period=`, the current one by default."""
    period = half_year_of(month_parameter(request, request.GET.get("period"), current_month()))
    return months_between(period, add_months(period, 5))


def _cell_lists(months: list, cells: list[dict]) -> dict:
    open_months = [month for month in months if month >= current_month()]
    return {
        "open_months": open_months,
        "open_cells": [cell["name"] for cell in cells if cell["month"] in open_months],
        "closed_cells": [cell["name"] for cell in cells if cell["month"] not in open_months],
        "all_cells": cells,
    }


def _region_and_regions(request: HttpRequest, region_code: str) -> tuple:
    """The region of the address among the user's (404 outside them), and all of them for the
    region links: one query."""
    regions = list(regions_for(request.user))
    return chosen_region(regions, region_code), regions


def _grid_context(request, region_code, months) -> dict:
    region, regions = _region_and_regions(request, region_code)
    # 75 rows a page at three quota channels (a region of 125 salespeople is 375); the totals
    # and the check cover the whole region.
    grid = quota_selectors.quota_grid_for(region, months, request.GET.get("page"))
    rows = quota_selectors.grid_rows(grid)
    total_cells = quota_selectors.region_total_cells(grid)
    cells = [cell for row in rows for cell in row["cells"]] + total_cells
    return {
        "grid": grid,
        "region": grid.region,
        "rows": rows,
        "total_cells": total_cells,
        "can_edit": quota_services.can_set_quotas(request.user, grid.region),
        "period": months[0],
        "regions": regions,
        "people_page": grid.team_page,
        "period_key": f"{months[0]:%Y-%m}",
    } | _cell_lists(months, cells)


def _grid_form(request, context) -> QuotaGridForm:
    data = request.POST
    return QuotaGridForm(
        data if "save" in data else None,
        cell_names=context["open_cells"],
        closed_names=context["closed_cells"],
    )


def _save_grid(request, context, form, spread=None) -> bool:
    """Save the grid or spread a total; True when something was saved."""
    region = context["region"]
    try:
        if form.is_bound and form.is_valid():
            cells = quota_selectors.parse_cells(form.cells())
            quota_services.save_quota_grid(by=request.user, region=region, **cells)
            messages.success(request, _("Quotas saved."))
            return True
        if spread is not None and spread.is_bound and spread.is_valid():
            months = context["open_months"]
            quota_services.spread_total(
                by=request.user, region=region, months=months, **spread.cleaned_data
            )
            messages.success(request, _("Total spread over the open months."))
            return True
    except DomainError as error:
        add_domain_error(spread if spread is not None and spread.is_bound else form, error)
    return False


def _show_refusals(context, form) -> None:
    """Keep what was typed in each cell and put the reason a cell was refused next to it."""
    for cell in context["all_cells"]:
        cell["typed"] = form.data.get(cell["name"])
        cell["errors"] = form.errors.get(cell["name"], [])


def _refuse_a_read_only_post(request: HttpRequest, context: dict) -> None:
    """rules.md §7.3: the director sets quotas; whoever else reads the page only reads it."""
    if request.method == "POST" and not context["can_edit"]:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def quota_grid(request: HttpRequest, region_code: str) -> HttpResponse:
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    context = _grid_context(request, region_code, _half_year(request))
    _refuse_a_read_only_post(request, context)
    form = _grid_form(request, context)
    sellers = sellers_in(context["region"])
    spread = SpreadForm(request.POST if "spread" in request.POST else None, sellers=sellers)
    if _save_grid(request, context, form, spread):
        return redirect(request.get_full_path())
    if form.is_bound:
        _show_refusals(context, form)
    context |= {"form": form, "spread": spread}
    return render(request, "sales/quota_grid.html", context)


def _dealer_context(request, region_code, months, dealer_filter) -> dict:
    name = dealer_filter.cleaned_data["name"] if dealer_filter.is_valid() else ""
    region, regions = _region_and_regions(request, region_code)
    page = quota_selectors.dealer_target_page_for(
        region,
        months,
        name=name,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    rows = quota_selectors.dealer_rows(page)
    query = {"period": f"{months[0]:%Y-%m}"} | ({"name": name} if name else {})
    return {
        "region": page.region,
        "page": page.dealers,
        "rows": rows,
        "query": urlencode(query),
        "can_edit": quota_services.can_set_quotas(request.user, page.region),
        "period": months[0],
        "months": months,
        "dealer_filter": dealer_filter,
        "regions": regions,
    } | _cell_lists(months, [cell for row in rows for cell in row["cells"]])


@login_required
@require_http_methods(["GET", "POST"])
def dealer_targets(request: HttpRequest, region_code: str) -> HttpResponse:
    """A page of the region's dealers with their monthly targets, found by name; the director
    edits the open months (rules.md §7.3), a closed month is refused with the reason."""
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    dealer_filter = DealerFilterForm(request.GET)
    context = _dealer_context(request, region_code, _half_year(request), dealer_filter)
    _refuse_a_read_only_post(request, context)
    form = _grid_form(request, context)
    if _save_grid(request, context, form):
        return redirect(request.get_full_path())
    if form.is_bound:
        _show_refusals(context, form)
    context["form"] = form
    if request.htmx and request.method == "GET":  # the name filter, as it is typed
        return render(request, "sales/_partials/dealer_targets_table.html", context)
    return render(request, "sales/dealer_targets.html", context)


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
