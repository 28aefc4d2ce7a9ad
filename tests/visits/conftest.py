from datetime import timedelta
from decimal import Decimal

# crispy_forms.layout binds django.template.loader.render_to_string when first imported; import
# it now, before tests/test_access_matrix.py patches that function out for speed, or every
# Row/Column rendered later in the session would come out empty.
import crispy_forms.layout  # noqa: F401
import pytest

from tests.customers.factories import CustomerFactory
from tests.visits.factories import PlannedVisitFactory, TripPlanFactory
from visits import services


@pytest.fixture
def hangzhou_customer(personas):
    return CustomerFactory(
        name="杭州永固胶业", territory=personas.xihu, latitude="30.259", longitude="120.130"
    )


@pytest.fixture
def ningbo_customer(personas):
    return CustomerFactory(
        name="宁波华达包装", territory=personas.ningbo, latitude="29.868", longitude="121.544"
    )


@pytest.fixture
def jiangsu_customer(personas):
    """In the region, but across the salesperson's territory line (the colleague's)."""
    return CustomerFactory(name="南京恒力建材", territory=personas.jiangsu)


@pytest.fixture
def draft_plan(personas, hangzhou_customer):
    plan = TripPlanFactory(salesperson=personas.salesperson)
    PlannedVisitFactory(plan=plan, customer=hangzhou_customer)
    return plan


@pytest.fixture
def make_plan(personas, hangzhou_customer):
    """`make_plan(status, cost=...)`: a plan of the salesperson moved to `status` by services."""

    def _make(status="draft", *, cost=Decimal("900.00"), salesperson=None):
        salesperson = salesperson or personas.salesperson
        plan = TripPlanFactory(
            salesperson=salesperson, estimated_lodging=cost, estimated_transport=Decimal("0")
        )
        PlannedVisitFactory(plan=plan, customer=hangzhou_customer)
        if status == "draft":
            return plan
        approver = personas.director if salesperson == personas.manager else personas.manager
        plan = services.submit_trip_plan(plan=plan, by=salesperson)
        if status == "submitted":
            return plan
        if status in ("rejected", "returned"):
            decision = "reject" if status == "rejected" else "return"
            return services.decide_trip_plan(
                plan=plan, by=approver, decision=decision, comment="Too many days"
            )
        plan = services.decide_trip_plan(plan=plan, by=approver, decision="approve")
        if status == "manager_approved":
            assert plan.status == "manager_approved"
            return plan
        if plan.status == "manager_approved":
            plan = services.decide_trip_plan(plan=plan, by=personas.director, decision="approve")
        if status == "completed":
            type(plan).objects.filter(pk=plan.pk).update(
                starts_on=plan.starts_on - timedelta(days=14),
                ends_on=plan.ends_on - timedelta(days=14),
            )
            plan.refresh_from_db()
            plan = services.complete_trip_plan(plan=plan, by=salesperson)
        return plan

    return _make
