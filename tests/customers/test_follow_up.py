"""rules.md §4.2, §4.6: follow-up cadence per class, and the due-today / overdue lists on
the home pages."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Case, CharField, F, Q, Value, When
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import classification, selectors
from customers.models import Customer
from salesops.panel_rows import first_rows_by_scope
from tests.customers.conftest import LARGE, days_ahead, local

NOW = local(2026, 3, 2, 10, 0)


def _follow_up(customer):
    classification.reclassify(Customer.objects.filter(pk=customer.pk), now=NOW)
    customer.refresh_from_db()
    return customer.next_follow_up_at


@pytest.mark.parametrize(
    ("demand", "days", "cadence"), [(LARGE, 3, 2), (None, 3, 2), (LARGE, None, 30)]
)
def test_follow_up_is_due_a_cadence_after_the_last_contact(make_customer, demand, days, cadence):
    contacted = local(2026, 3, 1, 15, 0)
    customer = make_customer(
        estimated_monthly_demand=demand,
        expected_order_date=None if days is None else days_ahead(NOW, days),
        last_contacted_at=contacted,
    )

    assert _follow_up(customer) == contacted + timedelta(days=cadence)


def test_class_d_needs_no_follow_up(make_customer):
    customer = make_customer(estimated_monthly_demand=None, last_contacted_at=NOW)

    assert _follow_up(customer) is None


def test_keep_in_touch_cadence_is_configurable(make_customer, rules):
    rules.keep_in_touch_days = 14
    rules.save()
    customer = make_customer(estimated_monthly_demand=LARGE, last_contacted_at=NOW)

    assert _follow_up(customer) == NOW + timedelta(days=14)


def test_a_never_contacted_prospect_is_due_from_its_creation(make_customer):
    customer = make_customer(estimated_monthly_demand=LARGE, expected_order_date=days_ahead(NOW, 1))

    assert _follow_up(customer) == customer.created_at + timedelta(days=2)


def test_due_today_and_overdue_are_split_at_local_midnight(make_customer):
    due_early_today = make_customer(next_follow_up_at=local(2026, 3, 2, 0, 10))
    due_late_yesterday = make_customer(next_follow_up_at=local(2026, 3, 1, 23, 50))
    make_customer(next_follow_up_at=local(2026, 3, 3, 0, 0))  # tomorrow
    with mock.patch.object(timezone, "now", return_value=local(2026, 3, 2, 9, 0)):
        today = list(selectors.follow_ups_due_today(Customer.objects.all()))
        overdue = list(selectors.follow_ups_overdue(Customer.objects.all()))

    assert today == [due_early_today]
    assert overdue == [due_late_yesterday]


def test_salesperson_home_lists_own_overdue_follow_ups(make_customer, personas, login):
    make_customer(name="宁波超能胶带", next_follow_up_at=timezone.now() - timedelta(days=3))
    make_customer(
        name="别人的客户",
        owner=personas.colleague,
        next_follow_up_at=timezone.now() - timedelta(days=3),
    )

    response = login(personas.salesperson).get(reverse("home"))

    assert response.status_code == 200
    panel = response.content.decode()
    assert "宁波超能胶带" in panel
    assert "别人的客户" not in panel


def test_manager_home_lists_the_regions_overdue_follow_ups(make_customer, personas, login):
    make_customer(name="宁波超能胶带", next_follow_up_at=timezone.now() - timedelta(days=3))

    response = login(personas.manager).get(reverse("home"))

    assert "Follow-ups in my region" in response.content.decode()
    assert "宁波超能胶带" in response.content.decode()


def test_other_regions_manager_does_not_see_the_follow_up(make_customer, personas, login):
    make_customer(name="宁波超能胶带", next_follow_up_at=timezone.now() - timedelta(days=3))

    response = login(personas.other_manager).get(reverse("home"))

    assert "宁波超能胶带" not in response.content.decode()


def test_each_queue_lists_its_first_ten_in_date_order_and_counts_them_all(make_customer, personas):
    now = timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    overdue = [
        make_customer(
            name=f"逾期客户{days:02d}", next_follow_up_at=start_of_today - timedelta(days=days)
        )
        for days in (5, 12, 1, 9, 3, 11, 7, 2, 10, 4, 8, 6)
    ]
    colleagues = make_customer(
        name="同事的客户",
        owner=personas.colleague,
        next_follow_up_at=start_of_today - timedelta(days=30),
    )
    today = [
        make_customer(
            name=f"今日客户{hour}", next_follow_up_at=start_of_today + timedelta(hours=hour)
        )
        for hour in (15, 9)
    ]
    make_customer(name="明天的客户", next_follow_up_at=start_of_today + timedelta(days=1, hours=1))

    mine = selectors.follow_up_queues(personas.salesperson, ["mine"], 10)["mine"]
    region = selectors.follow_up_queues(personas.manager, ["region"], 10)["region"]

    by_date = sorted(overdue, key=lambda customer: customer.next_follow_up_at)
    assert mine["overdue"] == (by_date[:10], 12)
    assert mine["today"] == (sorted(today, key=lambda customer: customer.next_follow_up_at), 2)
    assert region["overdue"] == ([colleagues, *by_date[:9]], 13)
    assert region["today"][1] == 2


def test_scopes_read_in_one_statement_number_their_rows_apart(make_customer, personas):
    now = timezone.now()
    mine = [make_customer(next_follow_up_at=now - timedelta(days=days)) for days in (3, 5, 4, 1)]
    theirs = [
        make_customer(owner=personas.colleague, next_follow_up_at=now - timedelta(days=days))
        for days in (6, 2, 1)
    ]
    half_way = Case(
        When(next_follow_up_at__lt=now - timedelta(days=2, hours=12), then=Value("early")),
        default=Value("late"),
        output_field=CharField(),
    )

    with CaptureQueriesContext(connection) as queries:
        found = first_rows_by_scope(
            Customer.objects.all(),
            {
                "mine": Q(owner=personas.salesperson),
                "theirs": Q(owner=personas.colleague),
                "everyone's": Q(pk__isnull=False),
            },
            group=half_way,
            order_by=[F("next_follow_up_at").asc(), F("pk").asc()],
            limit=2,
        )

    assert len(queries) == 1
    assert found["mine"] == {"early": ([mine[1], mine[2]], 3), "late": ([mine[3]], 1)}
    assert found["theirs"] == {"early": ([theirs[0]], 1), "late": ([theirs[1], theirs[2]], 2)}
    assert found["everyone's"] == {
        "early": ([theirs[0], mine[1]], 4),
        "late": ([theirs[1], mine[3]], 3),
    }


def test_home_page_queries_do_not_grow_with_the_follow_ups(make_customer, personas, login):
    client = login(personas.manager)

    def home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    make_customer(next_follow_up_at=timezone.now() - timedelta(days=1))
    home_queries()  # the first page fills the per-process caches (content types, settings)
    with_one = home_queries()
    for _index in range(24):
        make_customer(next_follow_up_at=timezone.now() - timedelta(days=1))
    # New customers move the 80/20 ranking: the first open after them reads its ladder again,
    # one query more (tests/salesops/test_home_queries.py holds that count).
    home_queries()

    assert home_queries() == with_one


def test_a_c_turning_into_an_a_is_news_on_the_home_page(make_customer, personas, login):
    customer = make_customer(name="宁波超能胶带", estimated_monthly_demand=LARGE)
    classification.reclassify(Customer.objects.all())
    Customer.objects.filter(pk=customer.pk).update(expected_order_date=timezone.localdate())
    classification.reclassify(Customer.objects.all())

    page = login(personas.manager).get(reverse("home")).content.decode()

    assert "Became A or B this week" in page
    assert "C → A" in page


def test_a_customer_that_drops_to_d_loses_its_cadence_follow_up(make_customer):
    customer = make_customer(estimated_monthly_demand=LARGE, last_contacted_at=NOW)
    assert _follow_up(customer) is not None
    Customer.objects.filter(pk=customer.pk).update(estimated_monthly_demand=None)

    assert _follow_up(customer) is None


def test_a_follow_up_date_set_at_the_last_contact_wins_over_the_cadence(make_customer):
    requested = local(2026, 3, 20, 0, 0)
    customer = make_customer(
        estimated_monthly_demand=LARGE, last_contacted_at=NOW, follow_up_requested_for=requested
    )

    assert _follow_up(customer) == requested


def test_the_contact_service_and_the_classification_give_the_same_follow_up(make_customer):
    # rules.md §4.7 is written once: the job's statement and the contact service's refresh
    # must land on the same date for every kind of customer.
    customers = [
        make_customer(estimated_monthly_demand=LARGE, expected_order_date=days_ahead(NOW, 1)),
        make_customer(estimated_monthly_demand=LARGE, last_contacted_at=NOW),
        make_customer(estimated_monthly_demand=None, last_contacted_at=NOW),
        make_customer(
            estimated_monthly_demand=None, follow_up_requested_for=local(2026, 4, 1, 0, 0)
        ),
    ]
    classification.reclassify(Customer.objects.all(), now=NOW)
    by_the_job = dict(Customer.objects.values_list("pk", "next_follow_up_at"))
    Customer.objects.update(next_follow_up_at=None)

    classification.refresh_follow_ups(Customer.objects.all())

    by_the_service = dict(Customer.objects.values_list("pk", "next_follow_up_at"))
    assert by_the_service == by_the_job
    assert sum(due is not None for due in by_the_job.values()) == len(customers) - 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes in two statements")
def test_a_batch_is_one_statement_on_postgresql(make_customer, rules):
    make_customer(estimated_monthly_demand=LARGE, last_contacted_at=NOW)
    make_customer(estimated_monthly_demand=None, last_contacted_at=NOW)
    classification.reclassify(Customer.objects.all(), now=NOW, rules=rules)
    Customer.objects.update(next_follow_up_at=None)  # no class changes, so no signal's queries

    with CaptureQueriesContext(connection) as queries:
        classification.reclassify(Customer.objects.all(), now=NOW, rules=rules)

    assert len(queries) == 1
    assert Customer.objects.filter(next_follow_up_at__isnull=False).count() == 1
