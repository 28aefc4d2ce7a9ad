from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import selectors, services, weeks
from reports.forms import CommentForm, WeeklyReportForm
from salesops.errors import DomainError
from salesops.forms import add_domain_error
from salesops.months import parse_day


def _require_seller(user) -> None:
    if not user.sells:
        raise PermissionDenied


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
    monday = parse_day(week)  # None outside the window of rules.md §0.6
    if monday is None or monday.weekday() != 0 or monday > weeks.current_week():
        raise Http404
    report = selectors.my_report_for_week(request.user, monday)
    if report is not None and report.is_submitted:
        if request.method == "POST":
            raise PermissionDenied  # rules.md §9.2: a submitted report is read-only
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
        "content": selectors.report_content(report),
        "comments": selectors.comments_of(report),
        "comment_form": form,
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


@login_required
@require_GET
def weekly_team(request: HttpRequest) -> HttpResponse:
    if not selectors.sees_team(request.user):
        raise PermissionDenied
    monday = selectors.parse_week(request.GET.get("week"))
    context = {
        "week_start": monday,
        "deadline": weeks.deadline(monday),
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7) if monday < weeks.current_week() else None,
        "rows": selectors.team_compliance(request.user, monday),
    }
    return render(request, "reports/weekly_team.html", context)
