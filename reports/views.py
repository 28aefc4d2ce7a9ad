from datetime import date, timedelta
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import deadlines, selectors, services, weeks
from reports.forms import (
    CommentForm,
    MonthlyReportForm,
    RegionSummaryForm,
    ReportCorrectionForm,
    VisitCorrectionForm,
    WeeklyReportForm,
)
from salesops.errors import DomainError
from salesops.forms import add_domain_error
from salesops.months import add_months, current_month, parse_day
from salesops.paging import people_page
from salesops.pdf import pdf_response, render_pdf
from territories.selectors import chosen_region, regions_for


def _require_seller(user) -> None:
    if not user.sells:
        raise PermissionDenied


def _tell_already_submitted(request: HttpRequest, report) -> None:
    """rules.md §9.11: a second submission (a double click, an old tab) changes nothing and says
    so; the author is taken to the report as it was submitted."""
    when = date_format(timezone.localtime(report.submitted_at), "DATETIME_FORMAT")
    messages.error(
        request,
        _("This report was already submitted on %(when)s; nothing was changed.") % {"when": when},
    )


@login_required
@require_GET
def weekly(request: HttpRequest) -> HttpResponse:
    context = {
        "reports": selectors.my_weekly_reports(request.user)[:60],
        "can_write": request.user.sells,
        "sees_team": selectors.sees_team(request.user),
        "current_week": weeks.current_week(),
    }
    return render(request, "reports/weekly_list.html", context)


@login_required
@require_GET
def weekly_current(request: HttpRequest) -> HttpResponse:
    _require_seller(request.user)
    return redirect("reports:weekly_week", week=weeks.current_week().isoformat())


@login_required
@require_http_methods(["GET", "POST"])
def weekly_week(request: HttpRequest, week: str) -> HttpResponse:
    """The salesperson's own report for a week: the live draft and their additions."""
    _require_seller(request.user)
    monday = _parse_monday(week)
    report = selectors.my_report_for_week(request.user, monday)
    if report is not None and report.is_submitted:
        if request.method == "POST":
            _tell_already_submitted(request, report)
        return redirect("reports:weekly_report", pk=report.pk)
    initial = {field: getattr(report, field) for field in services.TEXT_FIELDS} if report else {}
    form = WeeklyReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.save_weekly_report(
                salesperson=request.user, week_start=monday, by=request.user, **form.cleaned_data
            )
            if "submit" in request.POST:
                report = services.submit_weekly_report(report=report, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if report.is_submitted:
                messages.success(request, _("Report submitted; the week's visits are now locked."))
                return redirect("reports:weekly_report", pk=report.pk)
            messages.success(request, _("Draft saved."))
            return redirect("reports:weekly_week", week=monday.isoformat())
    context = {
        "form": form,
        "report": report,
        "week_start": monday,
        "deadline": weeks.deadline(monday),
        "content": selectors.draft_content(request.user, monday),
    }
    return render(request, "reports/weekly_form.html", context)


def _report_context(request: HttpRequest, report, form=None) -> dict:
    if services.may_comment(request.user, report) and report.is_submitted:
        form = form or CommentForm(report=report)
    else:
        form = None
    return {
        "report": report,
        "deadline": weeks.deadline(report.week_start),
        "content": selectors.week_content_with_corrections(report),
        "comments": selectors.comments_of(report),
        "comment_form": form,
        "corrections": selectors.report_corrections(report),
        "can_correct": services.may_correct(request.user, report),
    }


@login_required
@require_GET
def weekly_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.weekly_report_for(request.user, pk)
    if not report.is_submitted and report.salesperson_id == request.user.pk:
        return redirect("reports:weekly_week", week=report.week_start.isoformat())
    return render(request, "reports/weekly_report.html", _report_context(request, report))


@login_required
@require_POST
def weekly_comment(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.weekly_report_for(request.user, pk)
    if not services.may_comment(request.user, report):
        raise PermissionDenied
    form = CommentForm(request.POST, report=report)
    if form.is_valid():
        try:
            services.comment_on_report(report=report, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Comment added."))
            return redirect("reports:weekly_report", pk=report.pk)
    context = _report_context(request, report, form)
    return render(request, "reports/weekly_report.html", context, status=400)


def _correctable_report(request: HttpRequest, pk: int):
    """A report in the user's scope (else 404) that they may correct (else 403)."""
    report = selectors.weekly_report_for(request.user, pk)
    if not services.may_correct(request.user, report):
        raise PermissionDenied
    return report


@login_required
@require_http_methods(["GET", "POST"])
def weekly_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager corrects the texts of a submitted report (rules.md §6.4, §9.11)."""
    report = _correctable_report(request, pk)
    initial = {field: getattr(report, field) for field in services.TEXT_FIELDS}
    form = ReportCorrectionForm(request.POST or None, initial=initial)
    correct = partial(services.correct_weekly_report, report=report, by=request.user)
    return _correction_page(request, report, form, correct, done=_("Report corrected."))


@login_required
@require_http_methods(["GET", "POST"])
def weekly_visit_correct(request: HttpRequest, pk: int, visit_pk: int) -> HttpResponse:
    """The manager corrects a locked visit of the report's week (rules.md §6.4, §9.8)."""
    report = _correctable_report(request, pk)
    visit = selectors.reported_visit_for(request.user, report, visit_pk)
    initial = {field: getattr(visit, field) for field in services.CORRECTABLE_VISIT_FIELDS}
    form = VisitCorrectionForm(request.POST or None, initial=initial)
    correct = partial(services.correct_reported_visit, report=report, visit=visit, by=request.user)
    return _correction_page(request, report, form, correct, done=_("Visit corrected."), visit=visit)


def _correction_page(request: HttpRequest, report, form, correct, *, done: str, visit=None):
    """A valid correction goes to the service and back to the report; else the form again."""
    if form.is_valid():
        try:
            correct(**form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect("reports:weekly_report", pk=report.pk)
    context = {"form": form, "report": report, "visit": visit}
    return render(request, "reports/weekly_correct.html", context)


@login_required
@require_GET
def weekly_team(request: HttpRequest) -> HttpResponse:
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    monday = selectors.parse_week(request.GET.get("week"))
    regions = list(regions_for(request.user))
    region = chosen_region(regions, request.GET.get("region"))
    # One region a page (the first in scope by default): bounded by a region's team.
    rows = selectors.team_compliance(request.user, monday, region=region) if region else []
    page = people_page(rows, request.GET.get("page"))  # the totals count the whole team
    context = {
        "week_start": monday,
        "deadline": weeks.deadline(monday),
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7) if monday < weeks.current_week() else None,
        "rows": page.object_list,
        "page": page,
        "page_query": _page_query(week=f"{monday:%Y-%m-%d}", region=region),
        "totals": _state_totals(rows),
        "regions": regions,
        "region": region,
    }
    return render(request, "reports/weekly_team.html", context)


def _page_query(region, **period) -> str:
    """What a team page's page links keep: the period shown and the region."""
    return urlencode(period | {"region": region.code if region else ""})


def _state_totals(rows) -> list[dict]:
    """The region's total row: how many are on time, late, missing or still open."""
    labels = selectors.Compliance.LABELS
    counts = selectors.counts_by_state(rows)
    return [{"state": state, "label": labels[state], "count": n} for state, n in counts.items()]


def _comments_context(request: HttpRequest, report, *, may, url_name: str, form=None) -> dict:
    if may(request.user, report) and report.is_submitted:
        form = form or CommentForm(report=report, url_name=url_name)
    else:
        form = None
    return {"comments": report.comments.select_related("author"), "comment_form": form}


def _add_comment(request: HttpRequest, report, *, may, comment, url_name: str, render_page):
    """POST of a comment form: the service adds it, or the page again with the refusal."""
    if not may(request.user, report):
        raise PermissionDenied
    form = CommentForm(request.POST, report=report, url_name=url_name)
    if form.is_valid():
        try:
            comment(report, request.user, form.cleaned_data["body"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Comment added."))
            return None
    return render_page(form)


def _parse_monday(week: str) -> date:
    """A week's Monday from the address; 404 for anything else, a future week or a day
    outside the window of rules.md §0.6."""
    monday = parse_day(week)
    if monday is None or monday.weekday() != 0 or monday > weeks.current_week():
        raise Http404
    return monday


# --- PDF (a printable page per report) --------------------------------------------------------


@login_required
@require_GET
def weekly_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.weekly_report_for(request.user, pk)
    if not report.is_submitted:
        raise Http404
    context = {"report": report, "content": selectors.week_content_with_corrections(report)}
    context["deadline"] = weeks.deadline(report.week_start)
    context["comments"] = selectors.comments_of(report)
    context["corrections"] = selectors.report_corrections(report)
    context["printed_at"] = timezone.now()
    pdf = render_pdf("reports/print/weekly.html", context, request)
    name = f"weekly-report-{report.salesperson.username}-{report.week_start:%Y-%m-%d}.pdf"
    return pdf_response(name, pdf)


# --- the weekly team summary (rules.md §9.3, §9.9) --------------------------------------------


@login_required
@require_GET
def summaries(request: HttpRequest) -> HttpResponse:
    """Who submitted the region summary for a week, and the manager's way to write theirs."""
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    monday = selectors.parse_week(request.GET.get("week"))
    context = {
        "week_start": monday,
        "deadline": deadlines.summary_deadline(monday),
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7) if monday < weeks.current_week() else None,
        "rows": selectors.summary_compliance(request.user, monday),
        "writes": selectors.summary_regions(request.user).exists(),
    }
    return render(request, "reports/summary_list.html", context)


def _summary_region(user):
    region = selectors.summary_regions(user).first()
    if region is None:
        raise PermissionDenied  # only a regional manager writes a summary
    return region


@login_required
@require_http_methods(["GET", "POST"])
def summary_week(request: HttpRequest, week: str) -> HttpResponse:
    """The manager's summary of the region's week: the live draft and their texts."""
    region = _summary_region(request.user)
    monday = _parse_monday(week)
    summary = selectors.summary_of(region, monday)
    if summary is not None and summary.is_submitted:
        if request.method == "POST":
            _tell_already_submitted(request, summary)
        return redirect("reports:summary", pk=summary.pk)
    initial = {f: getattr(summary, f) for f in services.SUMMARY_FIELDS} if summary else {}
    form = RegionSummaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.save_region_summary(
                region=region, week_start=monday, by=request.user, **form.cleaned_data
            )
            if "submit" in request.POST:
                summary = services.submit_region_summary(summary=summary, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if summary.is_submitted:
                messages.success(request, _("Summary submitted."))
                return redirect("reports:summary", pk=summary.pk)
            messages.success(request, _("Draft saved."))
            return redirect("reports:summary_week", week=monday.isoformat())
    context = {
        "form": form,
        "summary": summary,
        "region": region,
        "week_start": monday,
        "deadline": deadlines.summary_deadline(monday),
        "content": selectors.summary_draft_content(region, monday),
    }
    return render(request, "reports/summary_form.html", context)


def _summary_page(request: HttpRequest, summary, form=None, status: int = 200) -> HttpResponse:
    if summary.is_submitted:
        content = selectors.summary_content(summary)
    else:
        content = selectors.summary_draft_content(summary.region, summary.week_start)
    context = {
        "summary": summary,
        "deadline": deadlines.summary_deadline(summary.week_start),
        "content": content,
    } | _comments_context(
        request,
        summary,
        may=services.may_comment_on_summary,
        url_name="reports:summary_comment",
        form=form,
    )
    return render(request, "reports/summary_report.html", context, status=status)


@login_required
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.summary_for(request.user, pk)
    if not summary.is_submitted and summary.author_id == request.user.pk:
        return redirect("reports:summary_week", week=summary.week_start.isoformat())
    return _summary_page(request, summary)


@login_required
@require_POST
def summary_comment(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.summary_for(request.user, pk)
    page = _add_comment(
        request,
        summary,
        may=services.may_comment_on_summary,
        comment=lambda s, by, body: services.comment_on_summary(summary=s, by=by, body=body),
        url_name="reports:summary_comment",
        render_page=lambda form: _summary_page(request, summary, form, status=400),
    )
    return page or redirect("reports:summary", pk=summary.pk)


@login_required
@require_GET
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.summary_for(request.user, pk)
    if not summary.is_submitted:
        raise Http404
    context = {
        "summary": summary,
        "deadline": deadlines.summary_deadline(summary.week_start),
        "content": selectors.summary_content(summary),
        "comments": selectors.summary_comments(summary),
    }
    context["printed_at"] = timezone.now()
    pdf = render_pdf("reports/print/summary.html", context, request)
    return pdf_response(f"weekly-summary-{summary.region.code}-{summary.week_start}.pdf", pdf)


# --- the monthly work report (rules.md §9.4, §9.10) -------------------------------------------


@login_required
@require_GET
def monthly(request: HttpRequest) -> HttpResponse:
    context = {
        "reports": selectors.my_monthly_reports(request.user)[:36],
        "can_write": request.user.sells,
        "sees_team": selectors.sees_team(request.user),
    }
    return render(request, "reports/monthly_list.html", context)


@login_required
@require_GET
def monthly_current(request: HttpRequest) -> HttpResponse:
    _require_seller(request.user)
    return redirect("reports:monthly_month", month=f"{current_month():%Y-%m}")


@login_required
@require_http_methods(["GET", "POST"])
def monthly_month(request: HttpRequest, month: str) -> HttpResponse:
    """The seller's own report for a month: the live draft and their texts."""
    _require_seller(request.user)
    first = selectors.parse_month(month)
    if first > current_month():
        raise Http404
    report = selectors.my_monthly_report(request.user, first)
    if report is not None and report.is_submitted:
        if request.method == "POST":
            _tell_already_submitted(request, report)
        return redirect("reports:monthly_report", pk=report.pk)
    initial = {f: getattr(report, f) for f in services.MONTHLY_FIELDS} if report else {}
    form = MonthlyReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.save_monthly_report(
                salesperson=request.user, month=first, by=request.user, **form.cleaned_data
            )
            if "submit" in request.POST:
                report = services.submit_monthly_report(report=report, by=request.user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if report.is_submitted:
                messages.success(request, _("Monthly report submitted."))
                return redirect("reports:monthly_report", pk=report.pk)
            messages.success(request, _("Draft saved."))
            return redirect("reports:monthly_month", month=f"{first:%Y-%m}")
    context = {
        "form": form,
        "report": report,
        "month": first,
        "deadline": deadlines.monthly_deadline(first),
        "content": selectors.monthly_draft_content(request.user, first),
    }
    return render(request, "reports/monthly_form.html", context)


def _monthly_page(request: HttpRequest, report, form=None, status: int = 200) -> HttpResponse:
    if report.is_submitted:
        content = selectors.monthly_content(report)
    else:
        content = selectors.monthly_draft_content(report.salesperson, report.month)
    context = {
        "report": report,
        "deadline": deadlines.monthly_deadline(report.month),
        "content": content,
    } | _comments_context(
        request,
        report,
        may=services.may_comment_on_monthly,
        url_name="reports:monthly_comment",
        form=form,
    )
    return render(request, "reports/monthly_report.html", context, status=status)


@login_required
@require_GET
def monthly_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.monthly_report_for(request.user, pk)
    if not report.is_submitted and report.salesperson_id == request.user.pk:
        return redirect("reports:monthly_month", month=f"{report.month:%Y-%m}")
    return _monthly_page(request, report)


@login_required
@require_POST
def monthly_comment(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.monthly_report_for(request.user, pk)
    page = _add_comment(
        request,
        report,
        may=services.may_comment_on_monthly,
        comment=lambda r, by, body: services.comment_on_monthly_report(report=r, by=by, body=body),
        url_name="reports:monthly_comment",
        render_page=lambda form: _monthly_page(request, report, form, status=400),
    )
    return page or redirect("reports:monthly_report", pk=report.pk)


@login_required
@require_GET
def monthly_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.monthly_report_for(request.user, pk)
    if not report.is_submitted:
        raise Http404
    context = {
        "report": report,
        "deadline": deadlines.monthly_deadline(report.month),
        "content": selectors.monthly_content(report),
        "comments": selectors.monthly_comments(report),
    }
    context["printed_at"] = timezone.now()
    pdf = render_pdf("reports/print/monthly.html", context, request)
    name = f"monthly-report-{report.salesperson.username}-{report.month:%Y-%m}.pdf"
    return pdf_response(name, pdf)


@login_required
@require_GET
def monthly_team(request: HttpRequest) -> HttpResponse:
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    month = selectors.parse_month(request.GET.get("month"))
    regions = list(regions_for(request.user))
    region = chosen_region(regions, request.GET.get("region"))
    # One region a page (the first in scope by default): bounded by a region's team.
    rows = selectors.team_monthly_compliance(request.user, month, region=region) if region else []
    page = people_page(rows, request.GET.get("page"))
    context = {
        "month": month,
        "deadline": deadlines.monthly_deadline(month),
        "previous_month": add_months(month, -1),
        "next_month": add_months(month, 1) if month < current_month() else None,
        "rows": page.object_list,
        "page": page,
        "page_query": _page_query(month=f"{month:%Y-%m}", region=region),
        "regions": regions,
        "region": region,
    }
    return render(request, "reports/monthly_team.html", context)
