"""Scorecards (rules.md §10) and customer value, 80/20 (rules.md §11): thin views over the
selectors; every person and customer is fetched through the user's scope (404 outside)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers import exporting
from salesops import access
from salesops.errors import DomainError
from salesops.forms import add_domain_error
from salesops.paging import people_page
from scorecards import charts, exports, measures, selectors, services, value
from scorecards.forms import ComplaintForm, RatingForm
from scorecards.nav import reads_customer_value
from scorecards.periods import HALF, MONTH, QUARTER, parse_period
from territories.selectors import chosen_region

VALUE_PAGE_ROWS = 100


def _period_choices(period) -> list[dict]:
    """The same moment as a month, a quarter and a half-year, and the periods either side."""
    return [
        {"kind": kind, "period": period.of_kind(kind), "active": kind == period.kind}
        for kind in (MONTH, QUARTER, HALF)
    ]


def _period_context(request: HttpRequest) -> dict:
    period = parse_period(request.GET.get("period"))
    return {
        "period": period,
        "previous": period.shifted(-1),
        "next": period.shifted(1),
        "kinds": _period_choices(period),
    }


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My scorecard: a seller's own page, shown here rather than through a redirect so it costs
    one request's queries (docs/performance.md, P2)."""
    if not request.user.sells:
        raise PermissionDenied
    person = selectors.scorecard_person(request.user, request.user.pk)
    return render(request, "scorecards/person.html", _person_context(request, person))


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    if not access.sees_team(request.user):
        raise PermissionDenied
    context = _period_context(request)
    regions = list(access.visible_regions(request.user).order_by("code"))
    region = chosen_region(regions, request.GET.get("region"))
    # One region a page (the first in scope by default), so the page is bounded by a team.
    region_code = region.code if region else ""
    cards = (
        selectors.team_scorecards(request.user, context["period"], region_code=region_code)
        if region
        else []
    )
    # The total row is summed over the whole team; the table shows a page of it.
    page = people_page(cards, request.GET.get("page"))
    context |= {
        "cards": page.object_list,
        "page": page,
        "page_query": urlencode({"period": context["period"].key, "region": region_code}),
        "regions": regions,
        "region_code": region_code,
        "total": measures.team_total(cards, context["period"]),
        "kinds": context["kinds"],
        "new_customer_kinds": exports.new_customer_labels(),
    }
    return render(request, "scorecards/team.html", context)


@login_required
@require_GET
def team_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if not access.sees_team(request.user):
        raise PermissionDenied
    if file_format not in exporting.CONTENT_TYPES:
        raise Http404
    period = parse_period(request.GET.get("period"))
    region_code = request.GET.get("region", "")
    cards = selectors.team_scorecards(request.user, period, region_code=region_code)
    data = exports.scorecard_table([*cards, measures.team_total(cards, period)])
    return exporting.response(data, file_format=file_format, name=f"scorecards-{period.key}")


def _person_context(request: HttpRequest, person, **forms) -> dict:
    context = _period_context(request)
    period = context["period"]
    user = request.user
    may_rate = selectors.may_rate(user, person)
    may_complain = selectors.may_record_complaint(user, person)
    months = charts.half_year_months(person, period)
    context |= {
        "person": person,
        "card": selectors.person_scorecard(person, period),
        "new_customer_kinds": exports.new_customer_labels(),
        "months": months,
        "chart": charts.attainment_chart(months),
        "ratings": selectors.ratings_of(person, period),
        "may_rate": may_rate,
        "may_complain": may_complain,
        "rating_form": forms.get("rating_form") or (RatingForm() if may_rate else None),
        "complaint_form": forms.get("complaint_form")
        or (
            ComplaintForm(customers=selectors.complaint_customers(user, person))
            if may_complain
            else None
        ),
    }
    return context


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.scorecard_person(request.user, pk)
    return render(request, "scorecards/person.html", _person_context(request, person))


@login_required
@require_GET
def explain(request: HttpRequest, pk: int, measure: str) -> HttpResponse:
    """The rows and the formula behind one figure (an htmx partial, or a page of its own)."""
    person = selectors.scorecard_person(request.user, pk)
    explanation = selectors.EXPLANATIONS.get(measure)
    if explanation is None:
        raise Http404
    period = parse_period(request.GET.get("period"))
    context = {
        "person": person,
        "period": period,
        "measure": measure,
        "card": selectors.person_scorecard(person, period),
        "rows": explanation(person, period, request.GET.get("page")),
    }
    template = f"scorecards/_partials/explain_{measure}.html"
    if not request.htmx:
        context["partial"] = template
        template = "scorecards/explain.html"
    return render(request, template, context)


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.scorecard_person(request.user, pk)
    if not selectors.may_rate(request.user, person):
        raise PermissionDenied
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_salesperson(person=person, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Rating saved."))
            month = form.cleaned_data["month"]
            return redirect(f"{reverse('scorecards:person', args=[pk])}?period={month:%Y-%m}")
    context = _person_context(request, person, rating_form=form)
    return render(request, "scorecards/person.html", context)


@login_required
@require_POST
def complain(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.scorecard_person(request.user, pk)
    if not selectors.may_record_complaint(request.user, person):
        raise PermissionDenied
    form = ComplaintForm(
        request.POST, customers=selectors.complaint_customers(request.user, person)
    )
    if form.is_valid():
        try:
            services.record_complaint(person=person, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Complaint recorded."))
            day = form.cleaned_data["received_on"]
            return redirect(f"{reverse('scorecards:person', args=[pk])}?period={day:%Y-%m}")
    context = _person_context(request, person, complaint_form=form)
    return render(request, "scorecards/person.html", context)


# --- customer value, 80/20 (rules.md §11) -----------------------------------------------------


def _value_territory(request: HttpRequest):
    code = request.GET.get("territory")
    if not code:
        return None
    return get_object_or_404(access.visible_territories(request.user), code=code)


def _value_analysis(request: HttpRequest):
    if not reads_customer_value(request.user):
        raise PermissionDenied
    territory = _value_territory(request)
    analysis = value.analyse(value.value_scope(request.user, territory))
    return territory, analysis, request.GET.get("show", "")


@login_required
@require_GET
def customer_value(request: HttpRequest) -> HttpResponse:
    territory, analysis, show = _value_analysis(request)
    counts = value.alert_counts(analysis)
    listed = counts.get(show, analysis.ranking.population)  # `only` lists everyone otherwise
    page = value.ranked_page(analysis, show, request.GET.get("page"), VALUE_PAGE_ROWS, count=listed)
    context = {
        "analysis": analysis,
        "ranking": analysis.ranking,
        "page": page,
        "show": show,
        "territory": territory,
        "territories": exports.value_territories(request.user),
        "counts": counts,
        # rules.md §3.6: the manager moves a customer to whoever will serve it.
        "can_reassign": access.managed_regions(request.user).exists(),
        "query": request.GET.copy(),
    }
    return render(request, "scorecards/customer_value.html", context)


@login_required
@require_GET
def customer_value_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in exporting.CONTENT_TYPES:
        raise Http404
    _territory, analysis, show = _value_analysis(request)
    customers = value.only(analysis, show)
    data = exports.value_table(customers, analysis)
    return exporting.response(data, file_format=file_format, name="customer-value")
