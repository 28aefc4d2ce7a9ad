"""Sales are brought in by head office only (rules.md §7.1, §1.3): a regional manager, whose own
attainment, rank and bonus the sales decide, neither imports nor enters them. Head office
enters a sale by hand, crediting one of the region's people, and the entry is audited."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sales.models import Sale
from sales.services.sales import enter_sale, import_sales
from salesops.errors import DomainError
from salesops.models import AuditEntry
from tests.customers.factories import CustomerFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(personas):
    return CustomerFactory(
        name="上海申达胶粘", territory=personas.shanghai_city, owner=personas.manager
    )


def _entry(**overrides):
    values = {
        "order_number": "SO-77",
        "line": 1,
        "date": "2025-07-10 10:00",
        "customer": "上海申达胶粘",
        "amount": "900000",
        "gross_profit": "10",
    }
    return values | overrides


def _post_entry(client, **overrides):
    return client.post(reverse("sales:new"), _entry(**overrides))


def test_a_manager_cannot_enter_a_sale_credited_to_himself(personas, login, customer):
    client = login(personas.manager)

    response = _post_entry(client, salesperson=personas.manager.pk)

    assert response.status_code == 403
    assert not Sale.objects.exists()


def test_a_manager_cannot_import_sales(personas, login, customer):
    csv = (
        "order_number,line,date,customer,salesperson,amount,gross_profit\n"
        "SO-1,1,2025-07-10 10:00,上海申达胶粘,wang,900000,10\n"
    ).encode()
    client = login(personas.manager)

    response = client.post(reverse("sales:import"), {"file": SimpleUploadedFile("x.csv", csv)})

    assert response.status_code == 403
    assert not Sale.objects.exists()


@pytest.mark.parametrize("role", ["manager", "director", "admin", "salesperson"])
def test_only_head_office_brings_sales_in_through_the_services(personas, customer, role):
    person = getattr(personas, role)
    with pytest.raises(DomainError, match="Only head office"):
        enter_sale(by=person, salesperson=person, **_entry())
    with pytest.raises(DomainError, match="Only head office"):
        import_sales(rows=[_entry(salesperson="wang")], by=person, file_name="x.csv")
    assert not Sale.objects.exists()


def test_the_sale_list_offers_import_and_entry_to_head_office_only(personas, login):
    assert "Enter a sale" in login(personas.head_office).get(reverse("sales:list")).text
    assert "Enter a sale" not in login(personas.manager).get(reverse("sales:list")).text


def test_head_office_credits_a_sale_to_one_of_the_regions_people(personas, login, customer):
    client = login(personas.head_office)

    response = _post_entry(client, salesperson=personas.manager.pk)

    assert response.status_code == 302
    sale = Sale.objects.get()
    assert (sale.salesperson, sale.amount) == (personas.manager, Decimal("900000.00"))
    entry = AuditEntry.objects.get(action="sales.sale.entered")
    assert entry.actor == personas.head_office
    assert entry.changes["before"] is None
    assert entry.changes["after"]["salesperson"]["id"] == personas.manager.pk


def test_the_form_offers_the_people_of_each_region(personas, login):
    html = login(personas.head_office).get(reverse("sales:new")).text

    assert '<optgroup label="East China">' in html
    assert f'<option value="{personas.colleague.pk}">张伟 (zhang)</option>' in html
    # Sellers only: neither the director nor head office can be credited with a sale.
    assert f'value="{personas.director.pk}"' not in html
    assert f'value="{personas.head_office.pk}"' not in html


def test_someone_of_another_region_cannot_be_credited(personas, login, customer):
    client = login(personas.head_office)

    response = _post_entry(client, salesperson=personas.other_salesperson.pk)

    assert response.status_code == 200
    assert "does not sell in the customer&#x27;s region" in response.text
    assert not Sale.objects.exists()


def test_a_corrected_sale_keeps_its_previous_values_in_the_audit(personas, customer):
    enter_sale(by=personas.head_office, salesperson=personas.manager, **_entry())

    enter_sale(by=personas.head_office, salesperson=personas.manager, **_entry(amount="1200.50"))

    sale = Sale.objects.get()
    assert sale.amount == Decimal("1200.50")
    correction = AuditEntry.objects.get(action="sales.sale.corrected")
    assert correction.changes["before"]["amount"] == "900000.00"
    assert correction.changes["after"]["amount"] == "1200.50"
    assert correction.target_id == str(sale.pk)


def test_the_entry_page_keeps_its_query_count_as_people_grow(personas, login):
    client = login(personas.head_office)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("sales:new"))
    for number in range(5):
        UserFactory(
            username=f"seller{number}", role="salesperson", regions=[personas.east, personas.south]
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("sales:new"))
    assert "seller4" in response.text
    assert len(many) == len(few)
