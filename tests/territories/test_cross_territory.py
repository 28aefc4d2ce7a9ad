"""Cross-territory requests (rules.md §2.5): the salesperson asks, the region's manager
decides once."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from salesops.errors import AlreadyDecided, DomainError
from salesops.models import AuditEntry
from territories import services
from territories.models import CrossTerritoryRequest
from tests.customers.factories import CustomerFactory


@pytest.fixture
def ningbo_customer(personas):
    return CustomerFactory(
        name="宁波永固胶业有限公司", territory=personas.ningbo, owner=personas.salesperson
    )


@pytest.fixture
def pending(personas, ningbo_customer):
    return services.request_cross_territory(
        customer=ningbo_customer,
        by=personas.colleague,
        reason="Their buyer sits in our Nanjing office",
    )


@pytest.mark.django_db
def test_salesperson_asks_for_a_customer_outside_their_territory(personas, pending):
    assert pending.status == CrossTerritoryRequest.Status.PENDING
    assert AuditEntry.objects.filter(
        action="territories.cross_request.created", actor=personas.colleague
    ).exists()


@pytest.mark.django_db
def test_asking_for_a_customer_in_ones_own_territory_is_refused(personas, ningbo_customer):
    with pytest.raises(DomainError, match="already in your territory"):
        services.request_cross_territory(
            customer=ningbo_customer, by=personas.salesperson, reason="x"
        )


@pytest.mark.django_db
def test_asking_across_regions_is_refused(personas, ningbo_customer):
    with pytest.raises(DomainError, match="another region"):
        services.request_cross_territory(
            customer=ningbo_customer, by=personas.other_salesperson, reason="x"
        )


@pytest.mark.django_db
def test_a_second_pending_request_for_the_same_customer_is_refused(personas, pending):
    with pytest.raises(DomainError, match="already have a pending request"):
        services.request_cross_territory(
            customer=pending.customer, by=personas.colleague, reason="again"
        )


@pytest.mark.django_db
def test_manager_approves_and_the_decision_is_recorded(personas, pending):
    decided = services.decide_cross_territory(
        request=pending, by=personas.manager, approve=True, comment="This quarter only"
    )
    assert decided.status == CrossTerritoryRequest.Status.APPROVED
    assert decided.decided_by == personas.manager and decided.decided_at is not None
    assert AuditEntry.objects.filter(action="territories.cross_request.approved").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("decider", ["director", "other_manager", "salesperson", "head_office"])
def test_only_the_regions_manager_decides(personas, pending, decider):
    with pytest.raises(DomainError):
        services.decide_cross_territory(
            request=pending, by=getattr(personas, decider), approve=True
        )
    pending.refresh_from_db()
    assert pending.status == CrossTerritoryRequest.Status.PENDING


@pytest.mark.django_db
def test_a_decided_request_cannot_be_decided_again(personas, pending):
    services.decide_cross_territory(
        request=pending, by=personas.manager, approve=False, comment="Not now"
    )
    with pytest.raises(AlreadyDecided):
        services.decide_cross_territory(request=pending, by=personas.manager, approve=True)


@pytest.mark.django_db
def test_deciding_in_place_returns_the_row_with_the_outcome(personas, pending, login):
    client = login(personas.manager)
    response = client.post(
        reverse("decide", args=["cross_territory_request", pending.pk]),
        {"decision": "reject", "comment": "Stay in Jiangsu"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="decision-cross_territory_request-{pending.pk}"' in response.text
    assert "Rejected" in response.text
    pending.refresh_from_db()
    assert pending.decision_comment == "Stay in Jiangsu"


@pytest.mark.django_db
def test_the_second_decider_in_place_is_told_it_was_already_decided(personas, pending, login):
    services.decide_cross_territory(request=pending, by=personas.manager, approve=True)
    response = login(personas.manager).post(
        reverse("decide", args=["cross_territory_request", pending.pk]),
        {"decision": "reject"},
        HTTP_HX_REQUEST="true",
    )
    assert "already decided" in response.text
    pending.refresh_from_db()
    assert pending.status == CrossTerritoryRequest.Status.APPROVED


@pytest.mark.django_db
def test_posted_status_or_requester_fields_change_nothing(personas, ningbo_customer, login):
    login(personas.colleague).post(
        reverse("territories:request_new"),
        {
            "customer": f"{ningbo_customer.name} #{ningbo_customer.pk}",
            "reason": "Nanjing buyer",
            "status": "approved",
            "requester": personas.manager.pk,
            "decided_by": personas.manager.pk,
        },
    )
    created = CrossTerritoryRequest.objects.get()
    assert (created.status, created.requester, created.decided_by) == (
        "pending",
        personas.colleague,
        None,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_managers_deciding_at_once_make_one_decision(personas, pending):
    outcomes, barrier = [], threading.Barrier(2)

    def decide(approve: bool):
        barrier.wait()
        try:
            services.decide_cross_territory(
                request=pending, by=personas.manager, approve=approve, comment="Decided"
            )
            outcomes.append("decided")
        except AlreadyDecided:
            outcomes.append("already decided")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(flag,)) for flag in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already decided", "decided"]
    assert (
        AuditEntry.objects.filter(
            action__startswith="territories.cross_request.", target_id=str(pending.pk)
        )
        .exclude(action="territories.cross_request.created")
        .count()
        == 1
    )


# --- what an approved request opens (rules.md §2.5) -------------------------------------------


def _decide(pending, personas, approve=True):
    return services.decide_cross_territory(
        request=pending, by=personas.manager, approve=approve, comment="" if approve else "No"
    )


@pytest.mark.django_db
def test_approved_request_opens_that_customers_page_to_the_requester(
    personas, pending, ningbo_customer, login
):
    url = reverse("customers:detail", args=[ningbo_customer.pk])
    client = login(personas.colleague)
    assert client.get(url).status_code == 404  # still pending

    _decide(pending, personas)
    response = client.get(url)

    assert response.status_code == 200
    assert reverse("visits:visit_new") in response.content.decode()  # log a visit or call
    assert 'id="log-visit"' in response.content.decode()


@pytest.mark.django_db
def test_approval_opens_that_customer_only(personas, pending, login):
    neighbour = CustomerFactory(name="宁波华达包装", territory=personas.ningbo)
    _decide(pending, personas)
    client = login(personas.colleague)

    assert client.get(reverse("customers:detail", args=[neighbour.pk])).status_code == 404
    assert neighbour.name not in client.get(reverse("customers:list")).content.decode()


@pytest.mark.django_db
def test_a_rejected_request_opens_nothing(personas, pending, ningbo_customer, login):
    _decide(pending, personas, approve=False)
    client = login(personas.colleague)

    assert client.get(reverse("customers:detail", args=[ningbo_customer.pk])).status_code == 404


@pytest.mark.django_db
def test_request_form_is_prefilled_with_the_refused_customer(personas, ningbo_customer, login):
    client = login(personas.colleague)
    response = client.get(
        reverse("territories:request_new"),
        {"customer": f"{ningbo_customer.name} #{ningbo_customer.pk}"},
    )

    assert f'value="{ningbo_customer.name} #{ningbo_customer.pk}"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "says"),
    [("en", "another region (South China)"), ("zh-hans", "其他大区（华南大区）")],
)
def test_a_customer_of_another_region_is_refused_with_its_region(personas, login, language, says):
    CustomerFactory(name="深圳宝安胶粘", territory=personas.shenzhen)

    response = login(personas.colleague).post(
        reverse("territories:request_new"),
        {"customer": "深圳宝安胶粘", "reason": "Buyer moved"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert says in response.content.decode()
    assert not CrossTerritoryRequest.objects.exists()
