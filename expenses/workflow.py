"""The expense claim's approval workflow, registered with salesops.approvals at start-up."""

from django.urls import reverse

from expenses import selectors, services
from expenses.models import ExpenseClaim, ExpenseClaimTransition
from salesops import approvals

approvals.register(
    approvals.Workflow(
        key="expense_claim",
        model=ExpenseClaim,
        transition_model=ExpenseClaimTransition,
        log_field="claim",
        transition=services.decision_transition,
        waiting=selectors.approval_queue_for,
        visible=selectors.claims_for,
        label=ExpenseClaim._meta.verbose_name_plural,
        detail_url=lambda claim: reverse("expenses:claim", args=[claim.pk]),
        due_on="decision_due_on",
        amount="total",  # rules.md §8.4: decided within 3 working days
        audit_prefix="visits.expense_claim",
        after=services.after_decision,
        related=("region", "salesperson"),
    )
)
