"""Logging visits and calls (rules.md §6.1), territory lines (§2.5), locking and
corrections (§6.4)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import CompetitorObservation
from salesops.errors import DomainError
from salesops.models import AuditEntry
from territories.models import CrossTerritoryRequest
from tests.customers.factories import CustomerFactory
from tests.visits.factories import VisitFactory
from visits import selectors, services
from visits.models import PlannedVisit, Visit, WeekLock

pytestmark = pytest.mark.django_db


def _record(personas, customer, **details):
    details.setdefault("visited_at", timezone.now() - timedelta(hours=1))
    details.setdefault("kind", Visit.Kind.ON_SITE)
    return services.record_visit(by=personas.salesperson, customer=customer, **details)


def test_visit_updates_the_customers_demand_order_date_and_last_contact(
    personas, hangzhou_customer
):
    when = timezone.now() - timedelta(hours=3)
    order_date = timezone.localdate() + timedelta(days=10)
    visit = _record(
        personas,
        hangzhou_customer,
        visited_at=when,
        updated_demand=Decimal("60000.00"),
        updated_expected_order_date=order_date,
        result="Sample accepted",
    )
    hangzhou_customer.refresh_from_db()
    assert hangzhou_customer.last_contacted_at == when
    assert hangzhou_customer.estimated_monthly_demand == Decimal("60000.00")
    assert hangzhou_customer.expected_order_date == order_date
    assert visit.territory == personas.xihu
    assert not visit.is_late_entry
    assert AuditEntry.objects.filter(action="visits.visit.recorded").count() == 1


def test_phone_call_counts_as_contact(personas, hangzhou_customer):
    _record(personas, hangzhou_customer, kind=Visit.Kind.PHONE)
    hangzhou_customer.refresh_from_db()
    assert hangzhou_customer.last_contacted_at is not None


def test_visit_dated_in_the_future_is_refused(personas, hangzhou_customer):
    with pytest.raises(DomainError) as refusal:
        _record(personas, hangzhou_customer, visited_at=timezone.now() + timedelta(hours=1))
    assert refusal.value.field == "visited_at"
    assert not Visit.objects.exists()


def test_follow_up_before_the_visit_is_refused(personas, hangzhou_customer):
    yesterday = timezone.now() - timedelta(days=1)
    with pytest.raises(DomainError) as refusal:
        _record(
            personas,
            hangzhou_customer,
            visited_at=yesterday,
            follow_up_on=timezone.localdate(yesterday) - timedelta(days=1),
        )
    assert refusal.value.field == "follow_up_on"
    assert not Visit.objects.exists()


def test_visit_across_the_territory_line_is_refused_and_nothing_is_saved(
    personas, jiangsu_customer
):
    with pytest.raises(DomainError, match="outside your territories"):
        _record(personas, jiangsu_customer, competitors=[{"brand": "3M"}])
    assert not Visit.objects.exists()
    assert not CompetitorObservation.objects.exists()
    jiangsu_customer.refresh_from_db()
    assert jiangsu_customer.last_contacted_at is None


def test_visit_across_the_line_is_allowed_after_an_approved_request(personas, jiangsu_customer):
    CrossTerritoryRequest.objects.create(
        requester=personas.salesperson,
        customer=jiangsu_customer,
        reason="Buyer in Hangzhou",
        status=CrossTerritoryRequest.Status.APPROVED,
    )
    assert _record(personas, jiangsu_customer).territory == personas.jiangsu


def test_pending_request_does_not_open_the_territory_line(personas, jiangsu_customer):
    CrossTerritoryRequest.objects.create(
        requester=personas.salesperson, customer=jiangsu_customer, reason="Please"
    )
    with pytest.raises(DomainError):
        _record(personas, jiangsu_customer)


def test_visit_entered_more_than_two_days_later_is_a_late_entry(personas, hangzhou_customer):
    on_time = _record(personas, hangzhou_customer, visited_at=timezone.now() - timedelta(days=2))
    late = _record(personas, hangzhou_customer, visited_at=timezone.now() - timedelta(days=3))
    assert not on_time.is_late_entry
    assert late.is_late_entry


def test_visit_closes_the_matching_planned_visit_of_an_approved_plan(
    personas, make_plan, hangzhou_customer
):
    plan = make_plan("approved")
    today = timezone.localdate()
    type(plan).objects.filter(pk=plan.pk).update(starts_on=today, ends_on=today)
    planned = plan.planned_visits.get()
    PlannedVisit.objects.filter(pk=planned.pk).update(day=today)

    visit = _record(personas, hangzhou_customer, visited_at=timezone.now())  # today, even at 00:30

    planned.refresh_from_db()
    assert planned.visit == visit
    assert selectors.completion(plan) == {"planned": 1, "done": 1, "rate": 100}


def test_visit_a_day_off_plan_still_closes_the_trips_planned_visit(
    personas, make_plan, hangzhou_customer
):
    plan = make_plan("approved")
    yesterday = timezone.localdate() - timedelta(days=1)
    type(plan).objects.filter(pk=plan.pk).update(
        starts_on=yesterday, ends_on=yesterday + timedelta(days=2)
    )
    plan.planned_visits.update(day=yesterday + timedelta(days=1))

    visit = _record(personas, hangzhou_customer, visited_at=timezone.now() - timedelta(days=1))

    assert plan.planned_visits.get().visit == visit


def test_visit_outside_the_trip_does_not_close_its_planned_visit(
    personas, make_plan, hangzhou_customer
):
    plan = make_plan("approved")  # next week
    _record(personas, hangzhou_customer)
    assert plan.planned_visits.get().visit is None


def test_visit_does_not_close_a_planned_visit_of_a_draft(personas, draft_plan, hangzhou_customer):
    draft_plan.planned_visits.update(day=timezone.localdate())
    _record(personas, hangzhou_customer)
    assert selectors.completion(draft_plan)["done"] == 0


def test_competitors_heard_in_a_visit_join_the_registry(personas, hangzhou_customer):
    visit = _record(
        personas,
        hangzhou_customer,
        competitors=[
            {"brand": "汉高", "price": "38元/kg", "payment_terms": "月结60天"},
            {"brand": "  "},
        ],
    )
    note = CompetitorObservation.objects.select_related("competitor").get()
    assert (note.visit, note.territory, note.competitor.name) == (visit, personas.xihu, "汉高")
    assert (note.customer, note.price, note.payment_terms) == (
        hangzhou_customer,
        "38元/kg",
        "月结60天",
    )
    assert note.observed_on == timezone.localtime(visit.visited_at).date()


def test_territory_top_three_competitors_count_distinct_customers(personas, hangzhou_customer):
    other = CustomerFactory(territory=personas.ningbo)
    third = CustomerFactory(territory=personas.hangzhou)
    for customer, brands in [
        (hangzhou_customer, ["汉高", "3M", "回天"]),
        (other, ["汉高", "3M"]),
        (third, ["汉高", "德莎"]),
    ]:
        _record(personas, customer, competitors=[{"brand": brand} for brand in brands])
    _record(personas, hangzhou_customer, competitors=[{"brand": "回天", "price": "30元/kg"}])

    top = selectors.top_competitors(personas.zhejiang)

    assert [(row["brand"], row["customers"]) for row in top] == [
        ("汉高", 3),
        ("3M", 2),
        ("回天", 1),
    ]
    assert top[2]["latest"].price == "30元/kg"
    assert [row["brand"] for row in selectors.top_competitors(personas.ningbo)] == ["3M", "汉高"]


def test_territory_top_ten_terminal_customers_by_demand(personas):
    from customers.models import Channel

    for index in range(12):
        CustomerFactory(
            territory=personas.xihu,
            channel=Channel.TERMINAL_LARGE,
            estimated_monthly_demand=Decimal(1000 * (index + 1)),
            name=f"终端{index:02}",
        )
    CustomerFactory(
        territory=personas.xihu,
        channel=Channel.DEALER,
        estimated_monthly_demand=Decimal("999999"),
    )
    top = list(selectors.top_terminal_customers(personas.zhejiang))
    assert len(top) == 10
    assert top[0].name == "终端11"
    assert all(customer.channel != Channel.DEALER for customer in top)


# --- locking (rules.md §6.4) --------------------------------------------------------------------


def _locked_visit(personas, hangzhou_customer):
    visit = _record(personas, hangzhou_customer, result="Met the buyer")
    services.lock_week(
        salesperson=personas.salesperson,
        week_start=timezone.localdate(visit.visited_at),
        by=personas.salesperson,
        reason="Weekly report submitted",
    )
    return visit


def test_lock_week_is_idempotent_and_keyed_by_monday(personas):
    wednesday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() - 2)
    first = services.lock_week(salesperson=personas.salesperson, week_start=wednesday, by=None)
    again = services.lock_week(salesperson=personas.salesperson, week_start=wednesday, by=None)
    assert first == again
    assert first.week_start.weekday() == 0
    assert WeekLock.objects.count() == 1


def test_salesperson_cannot_edit_a_visit_of_a_locked_week(personas, hangzhou_customer):
    visit = _locked_visit(personas, hangzhou_customer)
    with pytest.raises(DomainError, match="report is submitted"):
        services.change_visit(visit=visit, by=personas.salesperson, result="Signed!")
    visit.refresh_from_db()
    assert visit.result == "Met the buyer"


def test_salesperson_cannot_log_a_new_visit_into_a_locked_week(personas, hangzhou_customer):
    _locked_visit(personas, hangzhou_customer)
    with pytest.raises(DomainError, match="report is submitted"):
        _record(personas, hangzhou_customer)


def test_salesperson_edits_an_unlocked_visit(personas, hangzhou_customer):
    visit = _record(personas, hangzhou_customer, result="Met the buyer")
    services.change_visit(visit=visit, by=personas.salesperson, result="Met the buyer twice")
    visit.refresh_from_db()
    assert visit.result == "Met the buyer twice"
    assert AuditEntry.objects.filter(action="visits.visit.changed").exists()


def test_manager_corrects_a_locked_visit_and_history_is_kept(personas, hangzhou_customer):
    visit = _locked_visit(personas, hangzhou_customer)

    services.change_visit(
        visit=visit, by=personas.manager, result="Buyer was absent", reason="Called the buyer"
    )

    visit.refresh_from_db()
    assert visit.result == "Buyer was absent"
    entry = AuditEntry.objects.get(action="visits.visit.corrected")
    assert entry.actor == personas.manager
    assert entry.changes["before"] == {"result": "Met the buyer"}
    assert entry.changes["reason"] == "Called the buyer"


def test_correction_needs_a_reason(personas, hangzhou_customer):
    visit = _locked_visit(personas, hangzhou_customer)
    with pytest.raises(DomainError) as refusal:
        services.change_visit(visit=visit, by=personas.manager, result="x")
    assert refusal.value.field == "reason"


@pytest.mark.parametrize("persona", ["other_manager", "director", "head_office", "colleague"])
def test_only_the_regions_manager_corrects_a_visit(personas, hangzhou_customer, persona):
    visit = _locked_visit(personas, hangzhou_customer)
    with pytest.raises(DomainError):
        services.change_visit(
            visit=visit, by=getattr(personas, persona), result="x", reason="because"
        )


def test_visit_log_filters_by_week_with_a_date_range(personas, hangzhou_customer):
    this_week = _record(personas, hangzhou_customer)
    VisitFactory(
        salesperson=personas.salesperson,
        customer=hangzhou_customer,
        visited_at=this_week.visited_at - timedelta(days=7),
    )
    found = selectors.visit_log(personas.manager, week=timezone.localdate(this_week.visited_at))
    assert list(found) == [this_week]
    assert "visited_at" in str(found.query)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("salesperson", True), ("manager", True), ("colleague", False), ("other_manager", False)],
)
def test_visit_log_is_scoped(personas, hangzhou_customer, persona, sees):
    _record(personas, hangzhou_customer)
    assert selectors.visits_for(getattr(personas, persona)).exists() is sees


# --- the follow-up date a visit sets (rules.md §4.7) -------------------------------------------


def _due_today(personas):
    from customers import selectors as customer_selectors

    return list(
        customer_selectors.follow_ups_due_today(
            customer_selectors.customers_for(personas.salesperson)
        )
    )


def test_follow_up_date_set_for_today_puts_the_customer_in_due_today(personas, hangzhou_customer):
    today = timezone.localdate()
    _record(personas, hangzhou_customer, follow_up_on=today)

    hangzhou_customer.refresh_from_db()
    assert timezone.localdate(hangzhou_customer.next_follow_up_at) == today
    assert _due_today(personas) == [hangzhou_customer]


def test_follow_up_date_wins_over_the_class_cadence_even_for_class_d(personas, hangzhou_customer):
    from customers import classification
    from customers.models import Customer

    in_a_week = timezone.localdate() + timedelta(days=7)
    _record(personas, hangzhou_customer, follow_up_on=in_a_week)
    classification.reclassify(Customer.objects.all())  # the nightly job keeps it

    hangzhou_customer.refresh_from_db()
    assert hangzhou_customer.customer_class == "D"
    assert timezone.localdate(hangzhou_customer.next_follow_up_at) == in_a_week


def test_a_later_contact_without_a_date_clears_it_and_the_cadence_returns(
    personas, hangzhou_customer
):
    now = timezone.now()
    _record(
        personas,
        hangzhou_customer,
        visited_at=now - timedelta(hours=5),
        follow_up_on=timezone.localdate() + timedelta(days=3),
    )
    _record(personas, hangzhou_customer, visited_at=now - timedelta(hours=1))

    hangzhou_customer.refresh_from_db()
    assert hangzhou_customer.follow_up_requested_for is None
    assert hangzhou_customer.next_follow_up_at is None  # class D: no cadence


def test_an_older_visit_entered_late_does_not_replace_the_latest_follow_up(
    personas, hangzhou_customer
):
    now = timezone.now()
    latest_date = timezone.localdate() + timedelta(days=3)
    _record(
        personas, hangzhou_customer, visited_at=now - timedelta(hours=1), follow_up_on=latest_date
    )
    _record(
        personas,
        hangzhou_customer,
        visited_at=now - timedelta(days=1),
        follow_up_on=timezone.localdate(),
    )

    hangzhou_customer.refresh_from_db()
    assert timezone.localdate(hangzhou_customer.next_follow_up_at) == latest_date


def test_changing_the_follow_up_date_of_the_latest_visit_moves_the_customers(
    personas, hangzhou_customer
):
    visit = _record(personas, hangzhou_customer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.change_visit(visit=visit, by=personas.salesperson, follow_up_on=tomorrow)

    hangzhou_customer.refresh_from_db()
    assert timezone.localdate(hangzhou_customer.next_follow_up_at) == tomorrow
