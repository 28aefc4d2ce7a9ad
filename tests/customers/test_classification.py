"""rules.md §4.2: A/B/C/D from monthly demand and how soon an order is expected."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import DateField, Value
from django.db.models.functions import Cast
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers import classification, services, tasks
from customers.models import ClassChange, Customer
from salesops.models import JobRun
from tests.customers.conftest import LARGE, days_ahead, local
from tests.sales.factories import make_sale

NOW = local(2026, 3, 2, 10, 0)


def _classify(customer, now=NOW) -> str:
    """The class the job writes (the one definition of the rule, which the demo's replay of
    past months reads too: see the last tests here)."""
    classification.reclassify(Customer.objects.filter(pk=customer.pk), now=now)
    customer.refresh_from_db()
    return customer.customer_class


@pytest.mark.parametrize(
    ("demand", "days", "expected"),
    [
        (LARGE, 15, "A"),  # exactly 50,000 is large; exactly 15 days ahead is within
        (LARGE, 0, "A"),
        (LARGE - Decimal("0.01"), 15, "B"),
        (Decimal("0"), 1, "B"),
        (None, 3, "B"),  # no estimate: not large
        (LARGE, 16, "C"),
        (LARGE, None, "C"),  # no date: later or unknown
        (LARGE - Decimal("0.01"), 16, "D"),
        (None, None, "D"),
    ],
)
def test_class_follows_demand_and_order_date(make_customer, demand, days, expected):
    order_date = None if days is None else days_ahead(NOW, days)
    customer = make_customer(estimated_monthly_demand=demand, expected_order_date=order_date)

    assert _classify(customer) == expected


def test_an_order_date_already_passed_counts_as_within(make_customer):
    customer = make_customer(
        estimated_monthly_demand=LARGE, expected_order_date=days_ahead(NOW, -3)
    )

    assert _classify(customer) == "A"


def test_days_are_counted_in_the_company_time_zone(make_customer):
    # 00:30 on 3 March in Shanghai is still 2 March in UTC: the 15 days start on 3 March.
    just_after_midnight = local(2026, 3, 3, 0, 30)
    customer = make_customer(
        estimated_monthly_demand=LARGE, expected_order_date=days_ahead(just_after_midnight, 15)
    )

    assert _classify(customer, now=just_after_midnight) == "A"


def test_thresholds_come_from_company_settings(make_customer, rules):
    rules.large_demand_threshold = Decimal("40000")
    rules.order_soon_days = 30
    rules.save()
    customer = make_customer(
        estimated_monthly_demand=Decimal("45000"), expected_order_date=days_ahead(NOW, 25)
    )

    assert _classify(customer) == "A"


def test_sales_average_above_the_estimate_makes_a_customer_large(make_customer, personas):
    customer = make_customer(estimated_monthly_demand=Decimal("1000"), expected_order_date=None)
    # The last three full months before 2 March: December, January, February (180,000 / 3).
    for month, amount in [(12, "50000"), (1, "70000"), (2, "60000")]:
        year = 2025 if month == 12 else 2026
        make_sale(personas.salesperson, amount, local(year, month, 20, 23, 30), customer=customer)
    make_sale(
        personas.salesperson, "900000", local(2026, 3, 1, 9, 0), customer=customer
    )  # this month

    assert _classify(customer) == "C"


def test_sales_average_below_the_threshold_keeps_a_customer_small(make_customer, personas):
    customer = make_customer(estimated_monthly_demand=Decimal("1000"), expected_order_date=None)
    make_sale(personas.salesperson, "149999.97", local(2026, 1, 10, 10, 0), customer=customer)

    assert _classify(customer) == "D"  # 49,999.99 a month: just under 50,000


def test_every_class_change_is_kept_with_its_date(make_customer):
    customer = make_customer(estimated_monthly_demand=LARGE, expected_order_date=None)
    _classify(customer)
    customer.expected_order_date = days_ahead(NOW, 5)
    customer.save()
    later = NOW + timedelta(days=1)

    _classify(customer, now=later)

    history = list(
        customer.class_changes.order_by("changed_at").values_list(
            "from_class", "to_class", "changed_at"
        )
    )
    assert history == [("", "C", NOW), ("C", "A", later)]
    assert customer.class_since == later


def test_running_the_job_twice_changes_nothing(make_customer):
    make_customer(estimated_monthly_demand=LARGE, expected_order_date=days_ahead(NOW, 3))
    make_customer(estimated_monthly_demand=None)

    first = classification.reclassify(Customer.objects.all(), now=NOW)
    second = classification.reclassify(Customer.objects.all(), now=NOW)

    assert (first, second) == (2, 0)
    assert ClassChange.objects.count() == 2


def _nightly_queries(make_customer, count: int) -> int:
    Customer.objects.all().delete()
    JobRun.objects.all().delete()  # each night finds no rollup recount queued yet
    for index in range(count):
        make_customer(
            estimated_monthly_demand=LARGE if index % 2 else None,
            expected_order_date=days_ahead(timezone.now(), (index % 4) * 10),
        )
    with CaptureQueriesContext(connection) as queries:
        tasks.classify_all()  # the body: a scheduled run joins the night's row in the ledger
    return len(queries)


def test_nightly_job_is_set_based_whatever_the_number_of_customers(make_customer, rules):
    # Issue: a few SQL statements for all customers, not a loop per customer.
    few = _nightly_queries(make_customer, 8)
    many = _nightly_queries(make_customer, 80)

    # The classification's statements, and the recount of the rollup's class counts queued
    # once through the job ledger (rules.md §9.5: class changes reach the rollup).
    assert many == few <= 20
    assert set(Customer.objects.values_list("customer_class", flat=True)) == {"A", "B", "C", "D"}


def test_recording_a_contact_reclassifies_the_customer_on_commit(
    make_customer, personas, django_capture_on_commit_callbacks
):
    customer = make_customer(estimated_monthly_demand=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_contact(
            customer=customer,
            contacted_at=local(2026, 3, 2, 9, 0),
            by=personas.salesperson,
            demand=Decimal("80000"),
            expected_order_date=None,
        )

    customer.refresh_from_db()
    assert customer.customer_class == "C"
    assert customer.class_changes.get().to_class == "C"


def test_beat_runs_the_nightly_classification():
    from salesops.celery import beat_schedule

    entry = beat_schedule()["customers.classify_all"]

    assert entry["task"] == tasks.classify_all.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {0})


def test_the_nightly_job_commits_in_batches_and_resumes_where_it_stopped(
    make_customer, rules, monkeypatch
):
    from salesops import ledger
    from salesops.models import JobRun

    customers = [make_customer(estimated_monthly_demand=LARGE) for _ in range(7)]
    run = JobRun.objects.create(kind="customers.tasks.classify_all", scope_key="x", task_name="t")
    committed = []
    real_reclassify = classification.reclassify

    def crash_on_the_third_batch(batch, **kwargs):
        if len(committed) == 2:
            raise ConnectionError("worker killed")
        committed.append(sorted(batch.values_list("pk", flat=True)))
        return real_reclassify(batch, **kwargs)

    monkeypatch.setattr(classification, "reclassify", crash_on_the_third_batch)
    with pytest.raises(ConnectionError):
        ledger.run(run.pk, lambda job: classification.reclassify_all(batch_size=3))

    run.refresh_from_db()
    pks = [customer.pk for customer in customers]
    assert committed == [pks[:3], pks[3:6]]  # batches by primary key, each with its point
    assert run.cursor["after_pk"] == pks[5]
    first_moment = run.cursor["now"]

    monkeypatch.setattr(classification, "reclassify", real_reclassify)
    assert ledger.run(run.pk, lambda job: classification.reclassify_all(batch_size=3)) == 7

    # The second attempt did only the last customer, at the moment the first one began.
    assert set(Customer.objects.values_list("customer_class", flat=True)) == {"C"}
    assert ClassChange.objects.count() == 7
    last = ClassChange.objects.get(customer=customers[-1])
    assert last.changed_at.isoformat() == first_moment


def test_classes_on_a_past_day_read_the_three_full_months_before_it(make_customer, personas, rules):
    # What the demo's replay asks: the class at the end of January, written nowhere.
    customer = make_customer(estimated_monthly_demand=Decimal("1000"), expected_order_date=None)
    make_sale(personas.salesperson, "150000", local(2025, 12, 10, 10, 0), customer=customer)
    make_sale(personas.salesperson, "30000", local(2026, 2, 10, 10, 0), customer=customer)
    customers = Customer.objects.filter(pk=customer.pk)

    # October to December 2025: 50,000 a month, large; February's sale is not counted yet.
    assert classification.classes_on(customers, rules, date(2026, 1, 31)) == [(customer.pk, "C")]
    # At the end of May, February to April: 10,000 a month, small.
    assert classification.classes_on(customers, rules, date(2026, 5, 31)) == [(customer.pk, "D")]
    customer.refresh_from_db()
    assert customer.customer_class == ""  # written nowhere


@pytest.mark.parametrize(("days", "expected"), [(15, "A"), (16, "C"), (None, "C")])
def test_an_expected_order_date_given_in_its_place_is_read_by_the_same_rule(
    make_customer, rules, days, expected
):
    # The replay gives the day the next order came; the stored date (none here) is not read.
    customer = make_customer(estimated_monthly_demand=LARGE, expected_order_date=None)
    today = date(2026, 1, 31)
    order_day = None if days is None else today + timedelta(days=days)

    classes = classification.classes_on(
        Customer.objects.filter(pk=customer.pk),
        rules,
        today,
        order_expected_on=Cast(Value(order_day), DateField()),  # typed even when NULL
    )

    assert classes == [(customer.pk, expected)]
