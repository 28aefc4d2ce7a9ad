"""The monthly region rollup (rules.md §9.5): company → region → province → city → salesperson →
customers, each figure explained on a click, the tables exported and the month printed."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rollups import charts, exports, levels, pages, printing
from rollups import explain as explaining
from salesops import exporting
from salesops.months import current_month, parse_month
from salesops.pdf import pdf_response


def _level(request: HttpRequest, month: str) -> levels.Level:
    parsed = parse_month(month)
    if parsed is None or parsed > current_month():
        raise Http404
    return levels.level_for(request.user, parsed, request.GET)


@login_required
@require_GET
def latest(request: HttpRequest) -> HttpResponse:
    """The rollup opens on the newest month with sales in the user's regions, shown here rather
    than through a redirect so the page costs one request's queries (docs/performance.md, P2)."""
    return _rollup_page(request, levels.latest_level(request.user))


@login_required
@require_GET
def rollup(request: HttpRequest, month: str) -> HttpResponse:
    return _rollup_page(request, _level(request, month))


def _rollup_page(request: HttpRequest, level: levels.Level) -> HttpResponse:
    context = pages.page_context(level, page=_page(request))
    context["charts"] = charts.charts(level, context)
    return render(request, "rollups/rollup.html", context)


def _page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
@require_GET
def explain(request: HttpRequest, month: str, measure: str) -> HttpResponse:
    level = _level(request, month)
    context = {
        "level": level,
        "measure": measure,
        "explanation": explaining.explanation(level, measure),
    }
    return render(request, "rollups/_partials/explanation.html", context)


@login_required
@require_GET
def explain_export(request: HttpRequest, month: str, measure: str, file_format: str):
    """Every row behind a figure (the page shows the first 200), with its total."""
    if file_format not in exporting.CONTENT_TYPES:
        raise Http404
    level = _level(request, month)
    found = explaining.explanation(level, measure, limit=None)
    rows = [*found.rows, *([found.total] if found.total and found.rows else [])]
    name = f"{exports.file_name(level)}-{measure}"
    return exporting.streamed(found.headers, rows, file_format=file_format, name=name)


@login_required
@require_GET
def export(request: HttpRequest, month: str, file_format: str) -> HttpResponse:
    if file_format not in exporting.CONTENT_TYPES:
        raise Http404
    level = _level(request, month)
    headers, rows = exports.table(level)
    return exporting.streamed(
        headers, rows, file_format=file_format, name=exports.file_name(level), title=level.title
    )


@login_required
@require_GET
def pdf(request: HttpRequest, month: str) -> HttpResponse:
    level = _level(request, month)
    return pdf_response(f"{exports.file_name(level)}.pdf", printing.rollup_pdf(level, request))
