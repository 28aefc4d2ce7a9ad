"""The trip plan's approval workflow, registered with salesops.approvals at start-up."""

from django.urls import reverse

from salesops import approvals
from visits import selectors, services
from visits.models import TripPlan, TripPlanTransition

approvals.register(
    approvals.Workflow(
        key="trip_plan",
        model=TripPlan,
        transition_model=TripPlanTransition,
        log_field="plan",
        transition=services.decision_transition,
        waiting=selectors.approval_queue,
        visible=selectors.trip_plans_for,
        label=TripPlan._meta.verbose_name_plural,
        detail_url=lambda plan: reverse("visits:plan", args=[plan.pk]),
        starts_on="starts_on",
        amount="estimated_total",
        audit_prefix="visits.trip_plan",
        update_fields=("status", "submitted_at", "updated_at"),
        related=("region", "salesperson"),
    )
)
