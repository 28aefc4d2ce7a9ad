"""The first-to-target bonus's approval workflow, registered with salesops.approvals at start-up
(rules.md §7.7: the region's sales director approves it)."""

from django.urls import reverse

from sales.models import Bonus, BonusTransition
from sales.services import bonuses
from salesops import approvals
from salesops.models import SECOND_LEVEL

approvals.register(
    approvals.Workflow(
        key="bonus",
        model=Bonus,
        transition_model=BonusTransition,
        log_field="bonus",
        transition=bonuses.decision_transition,
        waiting=bonuses.bonuses_waiting_for,
        visible=bonuses.bonuses_for,
        label=Bonus._meta.verbose_name_plural,
        detail_url=lambda bonus: reverse("sales:bonuses") + f"#bonus-{bonus.pk}",
        audit_prefix="sales.bonus",
        decisions=(approvals.APPROVE, approvals.REJECT),
        levels=(SECOND_LEVEL,),
        after=bonuses.after_decision,
        related=("region", "salesperson"),
        waiting_since="created_at",
        amount="amount",
    )
)
