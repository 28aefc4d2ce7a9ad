"""Every change to expense claims and travel advances (rules.md §8.1; the only writers).

draft/returned → submitted → approved (or → manager_approved → approved when the month's total
is above the cap) / rejected / returned. Decisions lock the claim row, so two approvers acting
at once produce one decision and a clear refusal for the other.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from expenses.models import ExpenseClaim, ExpenseClaimTransition, ExpenseItem, TravelAdvance
from sales.signals import months_changed
from salesops import access, approvals, audit
from salesops.errors import DomainError
from salesops.models import CompanySettings, User
from salesops.months import add_months, add_working_days, local_midnight, month_start
from visits.models import TripPlan

Status = ExpenseClaim.Status
ZERO = Decimal("0.00")


def claim_total(claim: ExpenseClaim) -> Decimal:
    return claim.items.aggregate(total=Sum("amount"))["total"] or ZERO


def due_at(month: date) -> datetime:
    """rules.md §8.3: due by the end of the 5th (configurable) of the next month, local time."""
    # The settings in force for the claim's month (rules.md §0.3), not today's.
    due_day = CompanySettings.in_force_on(month).expense_due_day
    return local_midnight(add_months(month, 1).replace(day=due_day + 1))


def _require_owner(claim: ExpenseClaim, by: User) -> None:
    if claim.salesperson_id != by.pk:
        raise DomainError(_("Only the salesperson who files the claim can change it."))


def _require_editable(claim: ExpenseClaim) -> None:
    if not claim.is_editable:
        raise DomainError(
            _("This claim is %(status)s and can no longer be edited.")
            % {"status": claim.get_status_display()}
        )


def _locked(claim: ExpenseClaim) -> ExpenseClaim:
    return ExpenseClaim.objects.select_for_update().get(pk=claim.pk)


@transaction.atomic
def open_claim(*, by: User, month: date) -> ExpenseClaim:
    """The salesperson's claim for a month (created as a draft the first time)."""
    if not access.is_active_user(by) or not by.sells:
        raise DomainError(_("Only salespeople file expense claims."))
    if month_start(month) > month_start(timezone.localdate()):
        raise DomainError(_("A claim is filed for a month that has begun."), field="month")
    region = by.regions.order_by("pk").first()
    if region is None:
        raise DomainError(_("You do not belong to any region yet."))
    claim, created = ExpenseClaim.objects.get_or_create(
        salesperson=by, month=month_start(month), defaults={"region": region}
    )
    if created:
        audit.record("visits.expense_claim.opened", actor=by, target=claim)
    return claim


@transaction.atomic
def add_expense_item(
    *,
    claim: ExpenseClaim,
    by: User,
    spent_on: date,
    category: str,
    amount: Decimal,
    invoice_number: str,
    trip_plan: TripPlan | None = None,
    note: str = "",
) -> ExpenseItem:
    claim = _locked(claim)
    _require_owner(claim, by)
    _require_editable(claim)
    invoice_number = (invoice_number or "").strip()
    if not invoice_number:
        raise DomainError(_("Every item needs its formal invoice number."), field="invoice_number")
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if month_start(spent_on) != claim.month:
        raise DomainError(_("The date must fall in the claim's month."), field="spent_on")
    if trip_plan is not None and trip_plan.salesperson_id != by.pk:
        raise DomainError(_("Link only your own trip plans."), field="trip_plan")
    if ExpenseItem.objects.filter(invoice_number=invoice_number).exists():
        raise DomainError(
            _("Invoice %(number)s was already claimed.") % {"number": invoice_number},
            field="invoice_number",
        )
    try:
        with transaction.atomic():
            item = ExpenseItem.objects.create(
                claim=claim,
                spent_on=spent_on,
                category=category,
                amount=amount,
                invoice_number=invoice_number,
                trip_plan=trip_plan,
                note=note,
            )
    except IntegrityError as error:  # the same invoice filed at the same moment elsewhere
        raise DomainError(
            _("Invoice %(number)s was already claimed.") % {"number": invoice_number},
            field="invoice_number",
        ) from error
    audit.record(
        "visits.expense_item.added",
        actor=by,
        target=claim,
        changes={"invoice_number": invoice_number, "amount": amount, "category": category},
    )
    return item


@transaction.atomic
def remove_expense_item(*, item: ExpenseItem, by: User) -> None:
    claim = _locked(item.claim)
    _require_owner(claim, by)
    _require_editable(claim)
    audit.record(
        "visits.expense_item.removed",
        actor=by,
        target=claim,
        changes={"invoice_number": item.invoice_number, "amount": item.amount},
    )
    item.delete()


@transaction.atomic
def submit_claim(*, claim: ExpenseClaim, by: User) -> ExpenseClaim:
    """Submit for the manager's signature; late after the 5th; decision due in 3 working days."""
    claim = _locked(claim)
    _require_owner(claim, by)
    _require_editable(claim)
    if not claim.items.exists():
        raise DomainError(_("Add at least one item before submitting."))
    company = CompanySettings.current()
    now = timezone.now()
    source = claim.status
    claim.submit()
    claim.submitted_at = now
    claim.is_late = now >= due_at(claim.month)
    claim.decision_due_on = add_working_days(
        timezone.localdate(now), company.expense_decision_working_days
    )
    claim.save(update_fields=["status", "submitted_at", "is_late", "decision_due_on"])
    ExpenseClaimTransition.objects.create(
        claim=claim, source=source, target=claim.status, by=by, comment=""
    )
    audit.record(
        "visits.expense_claim.submitted",
        actor=by,
        target=claim,
        changes={"is_late": claim.is_late, "total": claim_total(claim)},
    )
    return claim


def decide_claim(
    *, claim: ExpenseClaim, by: User, decision: str, comment: str = ""
) -> ExpenseClaim:
    """decision: "approve", "reject" or "return" (salesops.approvals.decide)."""
    return approvals.decide(record=claim, by=by, decision=decision, comment=comment)


def decision_transition(claim: ExpenseClaim, decision: str):
    """The state-machine method a decision takes (rules.md §8.5: above the cap the sales
    director signs after the manager)."""
    if decision == approvals.REJECT:
        return claim.reject
    if decision == approvals.RETURN:
        return claim.return_for_changes
    over_cap = claim_total(claim) > CompanySettings.in_force_on(claim.month).monthly_expense_cap
    if claim.status == Status.SUBMITTED and over_cap:
        return claim.approve_pending_director
    return claim.approve


def after_decision(claim: ExpenseClaim, *, by: User, source: str, comment: str) -> None:
    """Keep the decision on the claim; an approved claim settles advances (rules.md §8.4–§8.6)."""
    now = timezone.now()
    if source == Status.SUBMITTED:
        # rules.md §8.4: the manager's decision is due within 3 working days (tracked).
        claim.decided_on_time = timezone.localdate(now) <= claim.decision_due_on
    claim.decided_by, claim.decided_at, claim.decision_comment = by, now, comment[:500]
    claim.save(update_fields=["decided_by", "decided_at", "decision_comment", "decided_on_time"])
    if claim.status == Status.APPROVED:
        _settle_advances(claim)
        # rules.md §7.11: approved travel cost enters that month's travel efficiency.
        months_changed.send(ExpenseClaim, first_month=claim.month, last_month=claim.month)


def _settle_advances(claim: ExpenseClaim) -> None:
    """Advances taken up to the claim's month are set against it: + pay out, − refund."""
    advances = TravelAdvance.objects.select_for_update().filter(
        salesperson=claim.salesperson,
        settled_by_claim__isnull=True,
        paid_on__lt=add_months(claim.month, 1),
    )
    advanced = advances.aggregate(total=Sum("amount"))["total"] or ZERO
    advances.update(settled_by_claim=claim)
    claim.settlement = claim_total(claim) - advanced
    claim.save(update_fields=["settlement"])


@transaction.atomic
def take_advance(
    *, by: User, paid_on: date, amount: Decimal | None = None, trip_plan: TripPlan | None = None
) -> TravelAdvance:
    """rules.md §8.6: an advance (about 3,000, configurable) before a trip."""
    if not access.is_active_user(by) or not by.sells:
        raise DomainError(_("Only salespeople take travel advances."))
    if trip_plan is not None and trip_plan.salesperson_id != by.pk:
        raise DomainError(_("Link only your own trip plans."), field="trip_plan")
    amount = amount or CompanySettings.current().travel_advance_default
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    advance = TravelAdvance.objects.create(
        salesperson=by, trip_plan=trip_plan, amount=amount, paid_on=paid_on
    )
    audit.record(
        "visits.travel_advance.taken", actor=by, target=advance, changes={"amount": amount}
    )
    return advance
