from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sales.forms.scoring import ScoringRunForm
from sales.selectors import attainment as selectors
from sales.services import bonuses as bonus_services
from sales.services import scoring_runs
from salesops.errors import DomainError
from salesops.forms import month_parameter
from salesops.months import current_month, half_year_of
from salesops.paging import people_page
from territories.selectors import chosen_region, regions_for


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
    regions = list(regions_for(request.user))
    region = chosen_region(regions, request.GET.get("region"))
    # One region a page (the first in scope by default), so the page is bounded by a team.
    region_code = region.code if region else ""
    rows = selectors.team_attainment(request.user, month, region_code)
    if region is None:
        rows = rows.none()
    total = selectors.team_total(rows) if region else None
    page = people_page(rows, request.GET.get("page"), count=total["people"] if total else 0)
    context = {
        "rows": page.object_list,
        "page": page,
        "page_query": urlencode({"month": f"{month:%Y-%m}", "region": region_code}),
        "total": total,
        "month": month,
        "form": ScoringRunForm(
            initial={"first_month": f"{month:%Y-%m}", "last_month": f"{month:%Y-%m}"}
        ),
        "can_run": scoring_runs.can_run_scoring(request.user),
        "sees_bonuses": bonus_services.sees_bonuses(request.user),
        "regions": regions,
        "region": region,
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
