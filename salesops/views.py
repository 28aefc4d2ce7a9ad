from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from salesops import access, approvals
from salesops import company_settings as settings_service
from salesops.errors import DomainError
from salesops.forms import BulkDecisionForm, CompanySettingsForm, DecisionForm, add_domain_error
from salesops.models import CompanySettings
from salesops.months import add_months, current_month
from salesops.navigation import Panel, entry_count, home_panels, request_menu
from salesops.paging import counted_page


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    panels = home_panels(request)
    if access.is_decider(request.user):
        # Everything waiting for the user's decision (plans, claims, requests): the menu counts
        # it already, in the one query that counts every queue it shows.
        count = entry_count(request_menu(request), "waiting")
        if count is None:
            count = approvals.waiting_count(request.user)
        panels.append(Panel("_partials/waiting_panel.html", {"count": count}, order=15))
    context = {
        "regions": access.regions_in_scope(request.user),
        "panels": sorted(panels, key=lambda panel: panel.order),
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For the load balancer and the compose health check: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before they read the page's icon link."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# --- "Waiting for me": every request waiting for the user's decision (salesops.approvals) ----


# A manager of 125 people has some forty plans and forty claims waiting at once; each row is a
# form. All of them on one page cost in proportion (docs/performance.md, P1): the page shows
# the first of each kind, soonest first, and one kind alone pages through the rest.
WAITING_PER_PAGE = 20


@login_required
@require_GET
def waiting(request: HttpRequest) -> HttpResponse:
    """Trip plans, expense claims and cross-territory requests waiting for this user, each
    decidable in place, the first WAITING_PER_PAGE of each kind; `?type=trip_plan` (etc.) shows
    one kind only (the old queues' links), a page at a time (`page`)."""
    only = request.GET.get("type")
    number = request.GET.get("page") if only else 1
    today = timezone.localdate()
    sections = []
    for wf in approvals.workflows():
        if only and wf.key != only:
            continue
        page = counted_page(wf.waiting(request.user), number, WAITING_PER_PAGE)
        sections.append(
            {
                "key": wf.key,
                "label": wf.label,
                "rows": [_waiting_row(wf, record, request.user, today) for record in page],
                "page": page,
                "in_all": page.paginator.count,
                "choices": approvals.choices(wf),
            }
        )
    context = {
        "sections": sections,
        "only": only,
        "count": sum(section["in_all"] for section in sections),
        "comment_max_length": approvals.COMMENT_MAX_LENGTH,
    }
    return render(request, "waiting.html", context)


def _waiting_row(wf: approvals.Workflow, record, user, today) -> dict:
    starts_on = getattr(record, wf.starts_on) if wf.starts_on else None
    due_on = getattr(record, wf.due_on) if wf.due_on else None
    return {
        "record": record,
        "url": wf.detail_url(record) if wf.detail_url else None,
        "since": getattr(record, wf.waiting_since),
        "amount": getattr(record, wf.amount) if wf.amount else None,
        "starts_in": (starts_on - today).days if starts_on else None,
        "overdue": due_on is not None and due_on < today,
        "decision": approvals.buttons(record, user, waiting=True),
    }


@login_required
@require_POST
def decide(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """One decision (rules.md §1.7–§1.9): a record outside the user's scope is a 404; one they
    see but do not decide is a 403; one decided a moment ago by another answers "already
    decided by …" (with the record as it now stands)."""
    try:
        wf = approvals.workflow(key)
    except KeyError:
        raise Http404 from None
    record = get_object_or_404(wf.visible(request.user), pk=pk)
    if not access.is_decider_of(request.user, record, levels=wf.levels):
        raise PermissionDenied
    form = DecisionForm(request.POST, decisions=wf.decisions)
    error = done = None
    if form.is_valid():
        try:
            record = approvals.decide(record=record, by=request.user, **form.cleaned_data)
        except DomainError as refusal:
            error = refusal.message
        else:
            done = _("Decision saved: %(status)s.") % {"status": record.get_status_display()}
    else:
        error = next(iter(form.errors.values()))[0]
    record = get_object_or_404(wf.visible(request.user), pk=pk)
    if request.htmx:
        context = {"decision": approvals.buttons(record, request.user, error=error, done=done)}
        return render(request, "_partials/decision_buttons.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("waiting")


@login_required
@require_POST
def decide_many(request: HttpRequest, key: str) -> HttpResponse:
    """The same decision on several ticked records waiting for the user: each decided in its
    own transaction, a refusal reported per record (architecture.md "Approvals")."""
    try:
        wf = approvals.workflow(key)
    except KeyError:
        raise Http404 from None
    if not access.is_decider(request.user):
        raise PermissionDenied
    waiting = list(wf.waiting(request.user))
    form = BulkDecisionForm(request.POST, decisions=wf.decisions, waiting=waiting)
    if form.is_valid():
        chosen = [record for record in waiting if record.pk in form.cleaned_data["records"]]
        data = {name: form.cleaned_data[name] for name in ("decision", "comment")}
        outcome = approvals.decide_many(records=chosen, by=request.user, **data)
        for refusal in filter(None, outcome.values()):
            messages.error(request, refusal)
        decided = sum(refusal is None for refusal in outcome.values())
        if decided:
            messages.success(
                request,
                ngettext("%(count)d decided.", "%(count)d decided.", decided) % {"count": decided},
            )
    else:
        messages.error(request, next(iter(form.errors.values()))[0])
    return redirect(f"{reverse('waiting')}?type={wf.key}")


@login_required
@require_http_methods(["GET", "POST"])
def company_settings(request: HttpRequest) -> HttpResponse:
    """Head office (and the administrator) set the rules' numbers, from a date on (rules.md
    §0.3): a version per change, so months already scored keep the numbers they had."""
    if not access.sets_company_settings(request.user):
        raise PermissionDenied
    in_force = CompanySettings.current()
    initial = {"effective_from": max(timezone.localdate(), add_months(current_month(), 1))}
    form = CompanySettingsForm(request.POST or None, instance=in_force, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            settings_service.change_settings(
                by=request.user,
                effective_from=form.cleaned_data["effective_from"],
                values=form.values(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("company_settings")
    context = {
        "form": form,
        "in_force": in_force,
        "versions": settings_service.versions(),
        "today": timezone.localdate(),
    }
    return render(request, "company_settings.html", context)
