"""The cross-territory request's approval workflow, registered with salesops.approvals."""

from salesops import approvals
from salesops.models import FIRST_LEVEL
from territories import selectors, services
from territories.models import CrossTerritoryRequest, CrossTerritoryRequestTransition

approvals.register(
    approvals.Workflow(
        key="cross_territory_request",
        model=CrossTerritoryRequest,
        transition_model=CrossTerritoryRequestTransition,
        log_field="request",
        transition=services.decision_transition,
        waiting=selectors.requests_waiting_for,
        visible=selectors.cross_territory_requests_for,
        label=CrossTerritoryRequest._meta.verbose_name_plural,
        waiting_since="created_at",
        audit_prefix="territories.cross_request",
        decisions=(approvals.APPROVE, approvals.REJECT),
        levels=(FIRST_LEVEL,),
        after=services.after_decision,
        related=("requester", "customer__territory__region"),
    )
)
