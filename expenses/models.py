"""Monthly expense claims, their items and travel advances (rules.md §8.1, §8.6)."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from salesops.fsm import RegionalRequestModel, TransitionLog
from salesops.money import MoneyField


@pghistory.track(meta={"db_table": "visits_expenseclaimevent"})
class ExpenseClaim(RegionalRequestModel):
    """One salesperson's claim for one month: draft → submitted → (director) → approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        MANAGER_APPROVED = "manager_approved", _("Approved by the manager, awaiting the director")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for changes")

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="expense_claims",
    )
    region = models.ForeignKey(
        "territories.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    # The status changes only through the transitions below (salesops.approvals logs each).
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    decision_due_on = models.DateField(_("decision due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on_time = models.BooleanField(_("decided on time"), null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=500, blank=True)
    settlement = MoneyField(
        _("settlement (+ pay out, − refund)"),
        signed=True,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "visits_expenseclaim"
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        ordering = ["-month", "salesperson_id"]
        # The claims list's keyset pages walk this order and stop at their page: head office's
        # list at tier L joined and sorted all 36,000 claims for its first hundred (46 ms,
        # docs/performance.md).
        indexes = [
            models.Index(fields=["-month", "-id"], name="claim_list_pages"),
            # What waits in a region (every page's menu counts it): its few submitted claims,
            # not its history (a region of tier L: 4,500 claims read for 42).
            models.Index(fields=["region", "status"], name="claim_region_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "month"], name="one_claim_per_month"),
            models.CheckConstraint(
                # The database refuses a status the state machine does not know.
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "manager_approved",
                        "approved",
                        "rejected",
                        "returned",
                    ]
                ),
                name="expense_claim_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.month:%Y-%m}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    # --- states: draft → submitted → (manager approved) → approved / rejected / returned

    @transition(status, source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(status, source=Status.SUBMITTED, target=Status.MANAGER_APPROVED)
    def approve_pending_director(self) -> None:
        pass

    @transition(status, source=[Status.SUBMITTED, Status.MANAGER_APPROVED], target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(status, source=[Status.SUBMITTED, Status.MANAGER_APPROVED], target=Status.REJECTED)
    def reject(self) -> None:
        pass

    @transition(status, source=[Status.SUBMITTED, Status.MANAGER_APPROVED], target=Status.RETURNED)
    def return_for_changes(self) -> None:
        pass


class ExpenseClaimTransition(TransitionLog):
    """One move of a claim through its states: who, when, from what to what, and why."""

    claim = models.ForeignKey(
        ExpenseClaim,
        verbose_name=_("expense claim"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    source = models.CharField(_("from"), max_length=20, choices=ExpenseClaim.Status.choices)
    target = models.CharField(_("to"), max_length=20, choices=ExpenseClaim.Status.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("expense claim transition")
        verbose_name_plural = _("expense claim transitions")


class ExpenseCategory(models.TextChoices):
    LODGING = "lodging", _("Lodging")
    TRANSPORT = "transport", _("Transport")
    PHONE = "phone", _("Phone")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    OTHER = "other", _("Other")


class ExpenseItem(models.Model):
    claim = models.ForeignKey(
        ExpenseClaim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="items"
    )
    spent_on = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    amount = MoneyField(_("amount"))
    # rules.md §8.2: a formal invoice number never appears twice, across all claims.
    invoice_number = models.CharField(_("invoice number"), max_length=40, unique=True)
    trip_plan = models.ForeignKey(
        "visits.TripPlan",
        verbose_name=_("trip plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expense_items",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        db_table = "visits_expenseitem"
        verbose_name = _("expense item")
        verbose_name_plural = _("expense items")
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_item_positive"),
            models.CheckConstraint(
                condition=~Q(invoice_number=""), name="expense_item_has_invoice_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number} {self.amount}"


# Settlement marks advances in one UPDATE; the triggers keep each advance's history.
@pghistory.track()
class TravelAdvance(models.Model):
    """Cash taken before a trip, settled against the month's approved claim."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="travel_advances",
    )
    trip_plan = models.ForeignKey(
        "visits.TripPlan",
        verbose_name=_("trip plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advances",
    )
    amount = MoneyField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    settled_by_claim = models.ForeignKey(
        ExpenseClaim,
        verbose_name=_("settled by claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="advances",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "visits_traveladvance"
        verbose_name = _("travel advance")
        verbose_name_plural = _("travel advances")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="advance_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.amount} {self.paid_on}"
