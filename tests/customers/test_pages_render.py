"""Every customers page renders with its real template, in English and in Chinese."""

from datetime import date

import pytest
from django.urls import reverse

from customers import services
from customers.models import Handover, ImportBatch
from tests.customers.factories import ContactFactory


@pytest.fixture
def pages(personas, make_customer):
    customer = make_customer(name="宁波永固胶业", channel="dealer", credit_tier="A")
    ContactFactory(customer=customer)
    services.record_competitor_observation(
        competitor_name="汉高",
        territory=personas.ningbo,
        customer=customer,
        observed_on=date(2026, 3, 1),
        by=personas.salesperson,
        price="32元/kg",
    )
    batch = ImportBatch.objects.create(
        created_by=personas.manager,
        file_name="list.csv",
        columns=[{"heading": "客户名称", "field": "name"}],
        rows=[{"line": 2, "name": "甲", "phone": "", "contact": {"name": "", "phone": ""}}],
        errors=[{"line": 3, "message": "the name is missing"}],
        total=1,
    )
    running = ImportBatch.objects.create(
        created_by=personas.manager,
        file_name="big.csv",
        status=ImportBatch.Status.QUEUED,
        total=900,
    )
    handover = Handover.objects.create(
        from_person=personas.salesperson,
        to_person=personas.colleague,
        region=personas.east,
        recorded_by=personas.manager,
    )
    handover.customers.add(customer)
    return [
        reverse("customers:list"),
        reverse("customers:list") + "?customer_class=A&ordering=-next_follow_up_at",
        reverse("customers:new"),
        reverse("customers:detail", args=[customer.pk]),
        reverse("customers:edit", args=[customer.pk]),
        reverse("customers:reassign", args=[customer.pk]),
        reverse("customers:credit", args=[customer.pk]),
        reverse("customers:import"),
        reverse("customers:import_preview", args=[batch.pk]),
        reverse("customers:import_status", args=[running.pk]),
        reverse("customers:handovers"),
        reverse("customers:handover_new"),
        reverse("customers:handover", args=[handover.pk]),
        reverse("customers:competitors"),
        reverse("home"),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_the_regional_manager(personas, login, pages, language):
    client = login(personas.manager)
    client.cookies["django_language"] = language

    answers = {url: client.get(url).status_code for url in pages}

    assert answers == dict.fromkeys(pages, 200)


def test_customer_page_shows_the_competitor_seen_there(personas, login, pages):
    response = login(personas.salesperson).get(pages[3])

    assert "汉高" in response.content.decode()
