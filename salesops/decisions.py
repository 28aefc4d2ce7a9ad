"""The vocabulary of a decision (rules.md §1.9), shared by the form and salesops.approvals."""

from django.utils.translation import gettext_lazy as _

APPROVE, RETURN, REJECT = "approve", "return", "reject"
DECISION_LABELS = {APPROVE: _("Approve"), RETURN: _("Return"), REJECT: _("Reject")}
COMMENT_MAX_LENGTH = 1000
