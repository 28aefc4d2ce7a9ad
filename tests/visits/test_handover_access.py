"""rules.md §3.7: after a handover the successor works the leaver's customers at once, and the
leaver no longer reaches them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers import services as customer_services
from salesops.errors import DomainError
from salesops.models import AuditEntry, User
from territories.models import Assignment
from tests.customers.factories import CustomerFactory
from visits import services
from visits.models import Visit

pytestmark = pytest.mark.django_db


def _call(person, customer):
    return services.record_visit(
        by=User.objects.get(pk=person.pk),  # a fresh request: nothing cached on the user
        customer=customer,
        visited_at=timezone.now() - timedelta(minutes=30),
        kind=Visit.Kind.PHONE,
    )


def _hand_over(personas):
    return customer_services.hand_over(
        from_person=personas.salesperson,
        to_person=personas.colleague,
        region=personas.east,
        by=personas.manager,
    )


def test_the_successor_logs_a_call_right_after_the_handover_and_the_leaver_is_refused(personas):
    customer = CustomerFactory(
        name="宁波海天塑料", territory=personas.ningbo, owner=personas.salesperson
    )

    _hand_over(personas)

    assert _call(personas.colleague, customer).salesperson == personas.colleague
    with pytest.raises(DomainError, match="outside your territories"):
        _call(personas.salesperson, customer)


def test_the_leavers_assignments_end_and_the_successors_start_with_history(personas):
    CustomerFactory(territory=personas.ningbo, owner=personas.salesperson)

    _hand_over(personas)

    zhejiang = Assignment.objects.filter(territory=personas.zhejiang).order_by("started_on", "pk")
    leaver, successor = list(zhejiang)
    assert (leaver.salesperson, leaver.ended_on) == (personas.salesperson, timezone.localdate())
    assert (successor.salesperson, successor.ended_on) == (personas.colleague, None)
    assert AuditEntry.objects.filter(action="territories.assignment.handed_over").count() == 1


def test_a_successor_whose_holdings_overlap_is_refused_and_nothing_moves(personas):
    customer = CustomerFactory(territory=personas.ningbo, owner=personas.salesperson)
    # Bad data from before the one-holder rule: the colleague holds Ningbo inside Zhejiang.
    Assignment.objects.create(
        territory=personas.ningbo, salesperson=personas.colleague, started_on=timezone.localdate()
    )

    with pytest.raises(DomainError, match="overlaps it"):
        _hand_over(personas)

    customer.refresh_from_db()
    assert customer.owner == personas.salesperson
    assert Assignment.objects.active().filter(salesperson=personas.salesperson).exists()
