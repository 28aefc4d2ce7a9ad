from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from visits import services
from visits.models import PlannedVisit, TripPlan, Visit


def next_monday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


class TripPlanFactory(DjangoModelFactory):
    """A draft plan for next week (status moves only through visits.services)."""

    class Meta:
        model = TripPlan

    title = factory.Sequence(lambda n: f"浙江出差 {n}")
    starts_on = factory.LazyFunction(next_monday)
    ends_on = factory.LazyAttribute(lambda plan: plan.starts_on + timedelta(days=2))
    region = factory.LazyAttribute(lambda plan: plan.salesperson.regions.first())
    estimated_lodging = Decimal("600.00")
    estimated_transport = Decimal("300.00")


class PlannedVisitFactory(DjangoModelFactory):
    class Meta:
        model = PlannedVisit

    day = factory.LazyAttribute(lambda planned: planned.plan.starts_on)
    purpose = "介绍新品"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    territory = factory.LazyAttribute(lambda visit: visit.customer.territory)
    visited_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    kind = Visit.Kind.ON_SITE


def plan_visit(plan, customer, *, day=None, purpose="Call"):
    """The plan's salesperson adds a planned visit (on the first day unless told)."""
    return services.add_planned_visit(
        plan=plan,
        by=plan.salesperson,
        customer=customer,
        day=day or plan.starts_on,
        purpose=purpose,
    )
