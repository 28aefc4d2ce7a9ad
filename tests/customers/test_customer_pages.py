"""The book of business: add and edit with duplicate checks, the filtered list, the customer
page, and exports safe against formula injection."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from salesops.models import AuditEntry
from tests.customers.factories import ContactFactory


def _new_prospect(**overrides):
    return {
        "name": "宁波永固胶业有限公司",
        "channel": "terminal_medium",
        "territory": "",
        "phone": "0574-8888 6666",
        "estimated_monthly_demand": "60000",
        "expected_order_date": "",
        "contact_name": "王芳",
        "contact_position": "采购经理",
        "contact_phone": "+86 139 0000 1111",
        **overrides,
    }


def test_salesperson_adds_a_prospect_with_its_first_contact(
    personas, login, django_capture_on_commit_callbacks
):
    client = login(personas.salesperson)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("customers:new"), _new_prospect(territory=personas.ningbo.pk)
        )

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert (customer.owner, customer.territory, customer.normalized_phone) == (
        personas.salesperson,
        personas.ningbo,
        "057488886666",
    )
    assert customer.contacts.get().normalized_phone == "13900001111"
    assert customer.customer_class == "C"  # classified on commit: large, no order date
    assert AuditEntry.objects.filter(action="customers.customer.created").exists()


def test_duplicate_name_is_flagged_before_it_is_saved(personas, login, make_customer):
    make_customer(name="宁波 永固胶业", territory=personas.jiangsu, owner=personas.colleague)
    client = login(personas.salesperson)

    response = client.post(reverse("customers:new"), _new_prospect(territory=personas.ningbo.pk))

    assert response.status_code == 200
    assert "Possible duplicate of" in response.content.decode()
    assert Customer.objects.count() == 1


def test_duplicate_phone_of_a_contact_is_flagged(personas, login, make_customer):
    ContactFactory(customer=make_customer(name="别的名字"), phone="13900001111")
    client = login(personas.salesperson)

    response = client.post(
        reverse("customers:new"), _new_prospect(territory=personas.ningbo.pk, phone="")
    )

    assert "Possible duplicate of" in response.content.decode()


def test_confirmed_duplicate_is_saved(personas, login, make_customer):
    make_customer(name="宁波永固胶业")
    client = login(personas.salesperson)

    client.post(
        reverse("customers:new"),
        _new_prospect(territory=personas.ningbo.pk, allow_duplicate="on"),
    )

    assert Customer.objects.count() == 2


def test_unparseable_phone_and_negative_demand_are_refused(personas, login):
    client = login(personas.salesperson)

    response = client.post(
        reverse("customers:new"),
        _new_prospect(territory=personas.ningbo.pk, phone="call me", estimated_monthly_demand="-5"),
    )

    assert response.status_code == 200
    assert not Customer.objects.exists()
    assert "Enter a mainland mobile or landline number." in response.content.decode()


def test_salesperson_cannot_add_in_a_colleagues_territory(personas, login):
    response = login(personas.salesperson).post(
        reverse("customers:new"), _new_prospect(territory=personas.jiangsu.pk)
    )

    assert response.status_code == 200  # the territory is not among the form's choices
    assert not Customer.objects.exists()


def test_editing_the_name_into_a_duplicate_is_flagged(personas, login, make_customer):
    make_customer(name="杭州新华达胶带厂")
    customer = make_customer(name="杭州某客户")
    data = {"name": "杭州新华达胶带", "channel": "dealer", "territory": personas.ningbo.pk}

    response = login(personas.salesperson).post(reverse("customers:edit", args=[customer.pk]), data)

    customer.refresh_from_db()
    assert "Possible duplicate of" in response.content.decode()
    assert customer.name == "杭州某客户"


def test_editing_demand_reclassifies(
    personas, login, make_customer, django_capture_on_commit_callbacks
):
    customer = make_customer(name="杭州某客户")
    data = {
        "name": "杭州某客户",
        "channel": "terminal_large",
        "territory": personas.ningbo.pk,
        "estimated_monthly_demand": "50000",
    }

    with django_capture_on_commit_callbacks(execute=True):
        login(personas.salesperson).post(reverse("customers:edit", args=[customer.pk]), data)

    customer.refresh_from_db()
    assert (customer.estimated_monthly_demand, customer.customer_class) == (Decimal("50000"), "C")


def test_credit_tier_is_only_for_dealers(personas, login, make_customer):
    customer = make_customer(name="杭州某客户")
    data = {
        "name": "杭州某客户",
        "channel": "terminal_small",
        "territory": personas.ningbo.pk,
        "credit_tier": "A",
    }

    response = login(personas.salesperson).post(reverse("customers:edit", args=[customer.pk]), data)

    assert "Only dealers carry a credit tier." in response.content.decode()


# --- the list --------------------------------------------------------------------------


def _names(response) -> set[str]:
    return {customer.name for customer in response.context["page"]}


def test_list_filters_by_class_channel_and_territory_with_its_descendants(
    personas, login, make_customer
):
    make_customer(name="西湖A", territory=personas.xihu, customer_class="A")
    make_customer(name="宁波A", territory=personas.ningbo, customer_class="A", channel="dealer")
    make_customer(name="宁波D", territory=personas.ningbo, customer_class="D")
    client = login(personas.manager)
    url = reverse("customers:list")

    assert _names(client.get(url, {"customer_class": "A"})) == {"西湖A", "宁波A"}
    assert _names(client.get(url, {"territory": personas.hangzhou.pk})) == {"西湖A"}
    assert _names(client.get(url, {"territory": personas.zhejiang.pk, "channel": "dealer"})) == {
        "宁波A"
    }


def test_list_shows_only_the_users_territories(personas, login, make_customer):
    make_customer(name="宁波客户")
    make_customer(name="南京客户", territory=personas.jiangsu, owner=personas.colleague)

    assert _names(login(personas.salesperson).get(reverse("customers:list"))) == {"宁波客户"}
    assert _names(login(personas.other_manager).get(reverse("customers:list"))) == set()


def test_list_is_paginated_with_a_bounded_number_of_queries(
    personas, login, make_customer, django_assert_max_num_queries
):
    for index in range(60):
        make_customer(name=f"客户{index:03d}")
    client = login(personas.manager)

    first = client.get(reverse("customers:list"), {"ordering": "name"}).context["page"]
    with django_assert_max_num_queries(20):
        response = client.get(
            reverse("customers:list"), {"ordering": "name", "after": first.next_cursor}
        )

    assert len(response.context["page"]) == 10  # 60 at 50 a page
    assert response.context["count"] == 60
    assert not response.context["more"]


def test_small_customers_are_flagged_to_suggest_a_direct_store(personas, login, make_customer):
    customer = make_customer(estimated_monthly_demand=Decimal("9999.99"))

    response = login(personas.salesperson).get(reverse("customers:detail", args=[customer.pk]))

    assert 'id="small-customer"' in response.content.decode()


# --- the customer page -------------------------------------------------------------------


def _page_queries(client, customer, contacts, django_assert_max_num_queries):
    ContactFactory.create_batch(contacts, customer=customer)
    with django_assert_max_num_queries(30) as captured:
        response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_customer_page_queries_do_not_grow_with_contacts(
    personas, login, make_customer, rules, django_assert_max_num_queries
):
    client = login(personas.salesperson)
    few = _page_queries(client, make_customer(), 1, django_assert_max_num_queries)
    many = _page_queries(client, make_customer(), 25, django_assert_max_num_queries)

    assert many == few


def test_customer_page_shows_its_sales_in_the_same_queries_however_many(
    personas, login, make_customer, rules
):
    from tests.sales.factories import local, make_sale

    client = login(personas.salesperson)
    customer = make_customer()
    make_sale(personas.salesperson, "12345.60", local(2026, 5, 6), customer=customer)
    url = reverse("customers:detail", args=[customer.pk])
    with CaptureQueriesContext(connection) as one_sale:
        first = client.get(url).content.decode()
    for day in range(1, 21):
        make_sale(personas.salesperson, "100", local(2026, 6, day), customer=customer)
    with CaptureQueriesContext(connection) as many_sales:
        client.get(url)

    assert "12,345.60" in first and 'id="sales"' in first
    assert len(many_sales.captured_queries) == len(one_sale.captured_queries)


# --- exports -----------------------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def booby_trapped(make_customer):
    for index, formula in enumerate(FORMULAS):
        make_customer(
            name=f"{formula}{index}",
            address=formula,
            estimated_monthly_demand=Decimal("-0") + index,
        )


def test_csv_export_neutralises_formulas(personas, login, booby_trapped):
    response = login(personas.salesperson).get(reverse("customers:export", args=["csv"]))

    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 1 + len(FORMULAS)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert '\'=HYPERLINK("http://evil")' in cells


def test_xlsx_export_neutralises_formulas_and_follows_the_filter(
    personas, login, booby_trapped, make_customer
):
    make_customer(
        name="只在A类", customer_class="A", next_follow_up_at=timezone.now() + timedelta(days=1)
    )
    response = login(personas.salesperson).get(
        reverse("customers:export", args=["xlsx"]), {"customer_class": "A"}
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["只在A类"]
    assert rows[1][-1].date() == timezone.localdate() + timedelta(days=1)  # the local day

    everything = login(personas.salesperson).get(reverse("customers:export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(everything.getvalue())).active
    text_cells = [
        c for row in sheet.iter_rows(min_row=2, values_only=True) for c in row if isinstance(c, str)
    ]
    assert not [cell for cell in text_cells if cell[:1] in ("=", "+", "-", "@")]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_of_another_regions_customers_is_empty(personas, login, make_customer):
    make_customer(name="宁波客户")

    response = login(personas.other_salesperson).get(reverse("customers:export", args=["csv"]))

    assert "宁波客户" not in response.getvalue().decode("utf-8-sig")
