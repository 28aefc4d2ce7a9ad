"""The rollup follows records that move and customers that change class (rules.md §9.5): a
visit, a sale or an approved claim that leaves one month (or person, or territory) for another
refreshes both, and a class change, a customer's move, its creation or deletion and a handover
refresh the class counts, each queued on commit. After every change the incremental state
equals the nightly rebuild."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from customers import tasks as customer_tasks
from customers.models import ClassChange, Customer
from customers.services import book, handover
from expenses.models import ExpenseItem
from rollups import building
from rollups import tasks as rollup_tasks
from rollups.models import ActivityCell, BlankCity, ClassCell, SalesCell
from sales.models import Attainment
from sales.services.sales import import_sales
from sales.services.scoring import score_months
from sales.signals import months_changed
from salesops.models import JobRun
from salesops.months import add_months, current_month
from tests.expenses.factories import approved_claim
from tests.rollups import factories
from tests.rollups.test_building import _snapshot
from tests.sales.factories import local
from visits import services as visit_services

pytestmark = pytest.mark.django_db

MONTH = add_months(current_month(), -1)
EARLIER = add_months(MONTH, -1)
THIS_MONTH = current_month()


@pytest.fixture
def world(personas):
    return factories.east_and_south(personas, MONTH)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the change and then the refreshes it queued, as the worker would after commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _assert_incremental_equals_rebuild() -> dict:
    incremental = _snapshot()
    building.rebuild_all()
    assert _snapshot() == incremental
    return incremental


def _visits(person, month: date) -> int:
    return sum(
        ActivityCell.objects.filter(salesperson=person, month=month).values_list(
            "visits", flat=True
        )
    )


def _classes(**where) -> dict[str, int]:
    counts: dict[str, int] = {}
    for letter, customers in ClassCell.objects.filter(**where).values_list(
        "customer_class", "customers"
    ):
        counts[letter] = counts.get(letter, 0) + customers
    return counts


# --- moves between months refresh both months ---------------------------------------------------


def test_a_visit_moved_to_another_month_leaves_the_old_months_cells(world, on_commit):
    visit = factories.Visit.objects.filter(salesperson=world.salesperson).first()
    assert _visits(world.salesperson, MONTH) == 2
    with on_commit():
        visit.visited_at = local(EARLIER.year, EARLIER.month, 12)
        visit.save()
    assert (_visits(world.salesperson, MONTH), _visits(world.salesperson, EARLIER)) == (1, 1)
    _assert_incremental_equals_rebuild()


def test_a_visit_given_to_another_person_leaves_the_first_persons_cells(world, on_commit):
    visit = factories.Visit.objects.filter(salesperson=world.salesperson).first()
    with on_commit():
        visit.salesperson = world.colleague
        visit.save(update_fields=["salesperson"])
    assert (_visits(world.salesperson, MONTH), _visits(world.colleague, MONTH)) == (1, 3)
    _assert_incremental_equals_rebuild()


def test_visits_by_several_people_are_one_refresh_of_their_month(world, on_commit):
    """A day of visits by many people is one pass over the month (rollups.building), not one
    job per person: the ledger joins them, and every person's cells come out right."""
    customers = list(Customer.objects.order_by("pk")[:2])
    with on_commit():
        factories.visit(customers[0], world.salesperson, MONTH, day=20)
        factories.visit(customers[1], world.colleague, MONTH, day=21)
    assert JobRun.objects.filter(kind=rollup_tasks.refresh_visits.name).count() == 1
    assert (_visits(world.salesperson, MONTH), _visits(world.colleague, MONTH)) == (3, 3)
    _assert_incremental_equals_rebuild()


def test_a_job_queued_for_one_person_before_the_month_was_refreshed_whole_still_runs(world):
    """Jobs queued by an earlier version name the salesperson; the month's refresh covers them."""
    customer = Customer.objects.order_by("pk").first()
    factories.visit(customer, world.colleague, MONTH, day=22)

    rollup_tasks.refresh_visits(salesperson_id=world.colleague.pk, month=MONTH.isoformat())

    assert _visits(world.colleague, MONTH) == 3
    _assert_incremental_equals_rebuild()


def _sale_row(world, customer, day: date) -> dict:
    return {
        "order_number": "MOVE-1",
        "line": "1",
        "date": day.isoformat(),
        "customer": customer.name,
        "salesperson": world.salesperson.username,
        "amount": "777.77",
        "gross_profit": "77.77",
    }


def test_a_sale_corrected_into_another_month_leaves_the_old_month(world, on_commit):
    customer = factories.customer_in(world.hangzhou, world.salesperson, name="搬月客户")
    with on_commit():
        import_sales(
            rows=[_sale_row(world, customer, MONTH.replace(day=15))],
            by=world.head_office,
            file_name="move.csv",
        )
    assert SalesCell.objects.filter(customer=customer, month=MONTH).exists()
    with on_commit():
        import_sales(
            rows=[_sale_row(world, customer, EARLIER.replace(day=15))],
            by=world.head_office,
            file_name="move.csv",
        )
    months = set(SalesCell.objects.filter(customer=customer).values_list("month", flat=True))
    assert months == {EARLIER}
    _assert_incremental_equals_rebuild()


@pytest.fixture
def announced():
    """The (first, last) months every `months_changed` named while the test ran."""
    seen = []

    def listen(sender, *, first_month, last_month, **kwargs):
        seen.append((first_month, last_month))

    months_changed.connect(listen, weak=False)
    yield seen
    months_changed.disconnect(listen)


def test_an_approved_claim_moved_to_another_month_announces_both(world, announced):
    claim = approved_claim(world.salesperson, EARLIER, amounts=["300.00"])
    claim.month = MONTH
    claim.save(update_fields=["month"])
    assert announced == [(EARLIER, MONTH)]


def test_an_item_moved_to_another_months_claim_announces_both(world, announced):
    earlier = approved_claim(world.salesperson, EARLIER, amounts=["300.00"])
    later = approved_claim(world.salesperson, MONTH, amounts=["100.00"])
    item = ExpenseItem.objects.get(claim=earlier)
    item.claim, item.spent_on = later, MONTH.replace(day=20)
    item.save()
    assert announced == [(EARLIER, MONTH)]


def _travel_costs() -> dict:
    rows = Attainment.objects.filter(travel_cost__gt=0).values_list(
        "salesperson_id", "month", "travel_cost"
    )
    return {(person, month): cost for person, month, cost in rows}


def test_a_moved_claims_travel_cost_leaves_the_old_month(world, on_commit):
    with on_commit():
        claim = approved_claim(world.salesperson, EARLIER, amounts=["300.00"])
        score_months(first_month=EARLIER, last_month=MONTH)
    assert _travel_costs() == {(world.salesperson.pk, EARLIER): Decimal("300.00")}
    with on_commit():
        claim.month = MONTH
        claim.save(update_fields=["month"])
    incremental = _travel_costs()
    assert incremental == {(world.salesperson.pk, MONTH): Decimal("300.00")}
    score_months(first_month=add_months(MONTH, -12), last_month=THIS_MONTH)  # the rebuild
    assert _travel_costs() == incremental


def test_a_draft_claims_month_announces_nothing(world, announced):
    claim = approved_claim(world.salesperson, EARLIER, amounts=["300.00"], status="draft")
    claim.month = MONTH
    claim.save(update_fields=["month"])
    assert announced == []


# --- class changes reach the rollup when they happen --------------------------------------------


def test_a_class_change_refreshes_this_months_counts(world, on_commit):
    customer = Customer.objects.get(owner=world.salesperson, class_changes__to_class="B")
    before = _classes(month=THIS_MONTH, owner=world.salesperson)
    with on_commit():
        book.update_customer(
            customer=customer,
            by=world.salesperson,
            estimated_monthly_demand=Decimal("80000.00"),
            expected_order_date=timezone.localdate(),
        )
    assert ClassChange.objects.filter(customer=customer, to_class="A").exists()
    after = _classes(month=THIS_MONTH, owner=world.salesperson)
    assert (before, after) == ({"A": 1, "B": 1}, {"A": 2})
    _assert_incremental_equals_rebuild()


def test_a_visit_bringing_a_new_demand_refreshes_this_months_counts(world, on_commit):
    customer = Customer.objects.get(owner=world.salesperson, class_changes__to_class="B")
    with on_commit():
        visit_services.record_visit(
            by=world.salesperson,
            customer=customer,
            visited_at=timezone.now(),
            kind="on_site",
            updated_demand=Decimal("90000.00"),
            updated_expected_order_date=timezone.localdate(),
        )
    assert _classes(month=THIS_MONTH, owner=world.salesperson) == {"A": 2}
    _assert_incremental_equals_rebuild()


def test_the_nightly_classification_refreshes_this_months_counts(world, on_commit):
    with on_commit():
        customer_tasks.classify_all()
    assert ClassCell.objects.filter(month=THIS_MONTH).exists()
    _assert_incremental_equals_rebuild()


def test_a_customer_moved_to_another_territory_moves_its_counts(world, on_commit):
    customer = Customer.objects.filter(owner=world.salesperson, territory=world.hangzhou).first()
    with on_commit():
        book.update_customer(customer=customer, by=world.manager, territory=world.ningbo)
    assert _classes(month=MONTH, territory=world.ningbo) == {
        customer.class_changes.get().to_class: 1
    }
    assert not BlankCity.objects.filter(month=MONTH, city=world.ningbo, customers=0).exists()
    _assert_incremental_equals_rebuild()


def test_a_customer_given_to_another_owner_moves_its_counts(world, on_commit):
    customer = Customer.objects.filter(owner=world.salesperson, territory=world.hangzhou).first()
    with on_commit():
        handover.reassign_customer(customer=customer, to_person=world.manager, by=world.manager)
    assert _classes(month=MONTH, owner=world.manager) == {customer.class_changes.get().to_class: 1}
    _assert_incremental_equals_rebuild()


def test_a_handover_moves_the_leavers_counts_to_the_successor(world, on_commit):
    with on_commit():
        handover.hand_over(
            from_person=world.salesperson,
            to_person=world.manager,
            region=world.east,
            by=world.manager,
        )
    assert _classes(month=MONTH, owner=world.salesperson) == {}
    assert sum(_classes(month=MONTH, owner=world.manager).values()) == 2
    _assert_incremental_equals_rebuild()


def test_a_customer_created_and_deleted_is_counted_and_then_not(world, on_commit):
    with on_commit():
        customer = book.create_customer(
            by=world.salesperson, name="新建客户", channel="dealer", territory=world.ningbo
        )
    assert sum(_classes(month=THIS_MONTH, territory=world.ningbo).values()) == 1
    _assert_incremental_equals_rebuild()
    with on_commit():
        Customer.objects.get(pk=customer.pk).delete()
    assert _classes(month=THIS_MONTH, territory=world.ningbo) == {}
    _assert_incremental_equals_rebuild()


def test_a_sequence_of_changes_ends_where_the_rebuild_does(world, on_commit):
    customers = list(Customer.objects.filter(owner=world.salesperson).order_by("pk"))
    with on_commit():
        book.update_customer(
            customer=customers[0],
            by=world.salesperson,
            estimated_monthly_demand=Decimal("60000.00"),
            expected_order_date=timezone.localdate(),
        )
    with on_commit():
        book.update_customer(customer=customers[1], by=world.manager, territory=world.ningbo)
    with on_commit():
        visit = factories.Visit.objects.filter(customer=customers[0]).get()
        visit.visited_at = local(EARLIER.year, EARLIER.month, 3)
        visit.save()
    with on_commit():
        customer_tasks.classify_all()
    _assert_incremental_equals_rebuild()
