"""The classification jobs on a real Celery worker (PostgreSQL + Redis in CI)."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from customers import services, tasks
from customers.models import ClassChange, Customer

pytestmark = pytest.mark.worker


def test_nightly_job_classifies_every_customer_on_the_worker(celery_worker, make_customer):
    today = timezone.localdate()
    for demand, days in [(50000, 15), (49999, 15), (50000, 16), (None, None)]:
        make_customer(
            estimated_monthly_demand=None if demand is None else Decimal(demand),
            expected_order_date=None if days is None else today + timedelta(days=days),
        )

    changed = tasks.classify_all.delay().get(timeout=30)

    assert changed == 4
    assert sorted(Customer.objects.values_list("customer_class", flat=True)) == ["A", "B", "C", "D"]
    # The night's job ran: a second start that night joins it (the ledger), and running the
    # classification again changes nothing.
    assert tasks.classify_all.delay().get(timeout=30) is None
    assert tasks.classify_all() == 0
    assert ClassChange.objects.count() == 4


def test_a_visit_reclassifies_its_customer_on_the_worker_after_commit(
    celery_worker, make_customer, personas
):
    customer = make_customer(estimated_monthly_demand=None)

    with transaction.atomic():
        services.record_contact(
            customer=customer,
            contacted_at=timezone.now(),
            by=personas.salesperson,
            demand=Decimal("90000"),
            expected_order_date=timezone.localdate() + timedelta(days=3),
        )

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and customer.customer_class != "A":
        time.sleep(0.2)
        customer.refresh_from_db()
    assert customer.customer_class == "A"
    assert customer.next_follow_up_at is not None


def test_a_large_import_runs_on_the_worker_while_the_page_polls(celery_worker, personas, login):
    from django.urls import reverse

    from customers import importing
    from customers.models import ImportBatch

    lines = "".join(f"宁波批量客户{index:04d},330200,139{index:08d}\n" for index in range(1200))
    batch = importing.prepare_import(
        content=("客户名称,辖区,手机\n" + lines).encode(),
        file_name="big.csv",
        by=personas.salesperson,
    )
    client = login(personas.salesperson)
    client.post(reverse("customers:import_preview", args=[batch.pk]), {})

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.DONE:
            break
        status = client.get(
            reverse("customers:import_status", args=[batch.pk]), HTTP_HX_REQUEST="true"
        )
        assert status.status_code == 200
        time.sleep(0.1)
    assert batch.status == ImportBatch.Status.DONE
    assert Customer.objects.filter(territory=personas.ningbo).count() == 1200
    assert not Customer.objects.filter(customer_class="").exists()
