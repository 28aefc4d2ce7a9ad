from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses import selectors, services
from expenses.forms import AdvanceForm, ExpenseItemForm
from salesops import approvals
from salesops.errors import DomainError
from salesops.forms import add_domain_error, month_parameter
from salesops.keyset import page_of_request
from salesops.models import CompanySettings
from salesops.months import current_month

# A page of the claims list: two years of one salesperson's monthly claims, a fifth of a large
# region's month. The list used to stop at its first 100 claims, so a manager of a region of
# 125 people could not reach last month's (docs/performance.md, P1 and P3).
CLAIMS_PER_PAGE = 25


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    """Keyset pages, newest month first: every claim in scope can be reached, and no page
    counts them all."""
    page = page_of_request(
        request,
        selectors.claims_for(request.user),
        ordering="-month",
        size=CLAIMS_PER_PAGE,
    )
    context = {"page": page, "query": "", "this_month": current_month()}
    return render(request, "expenses/claim_list.html", context)


@login_required
@require_POST
def claim_open(request: HttpRequest) -> HttpResponse:
    if not request.user.sells:
        raise PermissionDenied
    typed = request.POST.get("month")
    month = month_parameter(request, typed, None if typed else current_month())
    if month is None:  # not a month, or outside rules.md §0.6: said, and nothing opened
        return redirect("expenses:claims")
    try:
        claim = services.open_claim(by=request.user, month=month)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("expenses:claims")
    return redirect("expenses:claim", pk=claim.pk)


def _claim_context(request, claim, form=None) -> dict:
    mine = claim.salesperson_id == request.user.pk
    return {
        "claim": claim,
        "items": claim.items.select_related("trip_plan"),
        "form": form or (ExpenseItemForm(user=request.user) if mine else None),
        "can_edit": mine and claim.is_editable,
        "decision": approvals.buttons(claim, request.user),
        "cap": selectors.expense_cap_for(salesperson=claim.salesperson, month=claim.month),
        "due_at": services.due_at(claim.month),
        "advances": claim.advances.all(),
    }


@login_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_for(request.user, pk)
    return render(request, "expenses/claim_detail.html", _claim_context(request, claim))


def _owned_claim(request, pk):
    claim = selectors.claim_for(request.user, pk)
    if claim.salesperson_id != request.user.pk:
        raise PermissionDenied
    return claim


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _owned_claim(request, pk)
    form = ExpenseItemForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.add_expense_item(claim=claim, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Item added."))
            return redirect("expenses:claim", pk=claim.pk)
    context = _claim_context(request, selectors.claim_for(request.user, pk), form)
    return render(request, "expenses/claim_detail.html", context)


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    if item.claim.salesperson_id != request.user.pk:
        raise PermissionDenied
    try:
        services.remove_expense_item(item=item, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("expenses:claim", pk=item.claim_id)


@login_required
@require_POST
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _owned_claim(request, pk)
    try:
        claim = services.submit_claim(claim=claim, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Claim submitted to your regional manager."))
    return redirect("expenses:claim", pk=claim.pk)


@login_required
@require_POST
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The old address: forwards the POST to the one decision address (307 keeps it a POST)."""
    return redirect("decide", key="expense_claim", pk=pk, preserve_request=True)


@login_required
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    """The old queue's address: "Waiting for me", showing expense claims only."""
    return redirect(f"{reverse('waiting')}?type=expense_claim")


@login_required
@require_http_methods(["GET", "POST"])
def advances(request: HttpRequest) -> HttpResponse:
    form = None
    if request.user.sells:
        initial = {"amount": CompanySettings.current().travel_advance_default}
        form = AdvanceForm(request.POST or None, user=request.user, initial=initial)
    elif request.method == "POST":
        raise PermissionDenied
    if form is not None and form.is_valid():
        try:
            services.take_advance(by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Advance recorded."))
            return redirect("expenses:advances")
    context = {"form": form, "advances": selectors.advances_for(request.user)[:100]}
    return render(request, "expenses/advances.html", context)


@login_required
@require_GET
def plan_spend(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_spend_for(request.user, pk)
    cap = selectors.expense_cap_for(
        salesperson=plan.salesperson, month=plan.starts_on.replace(day=1), plan=plan
    )
    return render(request, "expenses/plan_spend.html", {"plan": plan, "cap": cap})


@login_required
@require_GET
def spend_summary(request: HttpRequest) -> HttpResponse:
    month = month_parameter(request, request.GET.get("month"), current_month())
    context = {
        "month": month,
        "rows": selectors.spend_by_person_and_month(request.user, month),
    }
    return render(request, "expenses/spend_summary.html", context)
