"""rules.md §3.6, §3.7: customers are company property; a handover moves a leaver's book
in one step."""

import csv
import io

import pytest
from django.urls import reverse

from customers import services, signals
from customers.models import Customer, Handover
from salesops.errors import DomainError
from salesops.models import AuditEntry
from tests.customers.factories import ContactFactory


@pytest.fixture
def book(personas, make_customer):
    customers = [make_customer(name=f"宁波客户{index}") for index in range(3)]
    ContactFactory(customer=customers[0], name="王芳", phone="13900001111")
    make_customer(name="别人的客户", owner=personas.colleague, territory=personas.jiangsu)
    return customers


def test_handover_moves_every_customer_and_keeps_the_notify_list(personas, book):
    handover = services.hand_over(
        from_person=personas.salesperson,
        to_person=personas.colleague,
        region=personas.east,
        by=personas.manager,
    )

    assert not Customer.objects.filter(owner=personas.salesperson).exists()
    assert Customer.objects.filter(owner=personas.colleague).count() == 4
    assert set(handover.customers.all()) == set(book)
    assert AuditEntry.objects.filter(action="customers.handover.done").count() == 1


def test_handover_is_all_or_nothing(personas, book):
    def refuse(**kwargs):
        raise DomainError("open trip plan cannot move")

    signals.customers_handed_over.connect(refuse, dispatch_uid="test-refuse")
    try:
        with pytest.raises(DomainError):
            services.hand_over(
                from_person=personas.salesperson,
                to_person=personas.colleague,
                region=personas.east,
                by=personas.manager,
            )
    finally:
        signals.customers_handed_over.disconnect(dispatch_uid="test-refuse")

    assert Customer.objects.filter(owner=personas.salesperson).count() == 3
    assert not Handover.objects.exists()


@pytest.mark.parametrize("actor", ["salesperson", "other_manager", "head_office"])
def test_only_the_regions_manager_hands_over(personas, book, actor):
    with pytest.raises(DomainError):
        services.hand_over(
            from_person=personas.salesperson,
            to_person=personas.colleague,
            region=personas.east,
            by=getattr(personas, actor),
        )


def test_the_successor_must_sell_in_the_region(personas, book):
    with pytest.raises(DomainError, match="does not sell in"):
        services.hand_over(
            from_person=personas.salesperson,
            to_person=personas.other_salesperson,
            region=personas.east,
            by=personas.manager,
        )


def test_manager_hands_over_from_the_page_and_exports_the_notify_list(personas, book, login):
    client = login(personas.manager)
    response = client.post(
        reverse("customers:handover_new"),
        {
            "region": personas.east.pk,
            "from_person": personas.salesperson.pk,
            "to_person": personas.colleague.pk,
        },
    )
    handover = Handover.objects.get()
    assert response.url == reverse("customers:handover", args=[handover.pk])

    page = client.get(response.url).content.decode()
    assert "王芳" in page
    assert "13900001111" in page
    export = client.get(reverse("customers:handover_export", args=[handover.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    assert ["宁波客户0", "Ningbo", "", "王芳", "采购经理", "13900001111"] in rows


def test_manager_reassigns_one_customer(personas, book, login):
    customer = book[0]

    response = login(personas.manager).post(
        reverse("customers:reassign", args=[customer.pk]), {"to_person": personas.colleague.pk}
    )

    customer.refresh_from_db()
    assert response.status_code == 302
    assert customer.owner == personas.colleague


def test_salesperson_cannot_reassign(personas, book):
    with pytest.raises(DomainError):
        services.reassign_customer(
            customer=book[0], to_person=personas.colleague, by=personas.salesperson
        )


def test_handover_moves_open_trip_plans_and_leaves_completed_ones(personas, book):
    from tests.visits.factories import TripPlanFactory
    from visits.models import TripPlan

    open_plan = TripPlanFactory(salesperson=personas.salesperson)
    finished = TripPlanFactory(salesperson=personas.salesperson)
    TripPlan.objects.filter(pk=finished.pk).update(status=TripPlan.Status.COMPLETED)

    services.hand_over(
        from_person=personas.salesperson,
        to_person=personas.colleague,
        region=personas.east,
        by=personas.manager,
    )

    assert TripPlan.objects.get(pk=open_plan.pk).salesperson == personas.colleague
    assert TripPlan.objects.get(pk=finished.pk).salesperson == personas.salesperson  # history
    assert AuditEntry.objects.filter(action="visits.trip_plan.handed_over").count() == 1
