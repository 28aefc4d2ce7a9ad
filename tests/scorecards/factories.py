"""Data for the scorecard and 80/20 tests: visits, ratings, complaints, a whole person's month."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from customers.models import Channel, Customer
from expenses.models import ExpenseClaim, ExpenseItem
from rollups import building
from sales.scoring import score_period
from salesops.months import half_year_of
from scorecards.models import Complaint, ManagerRating
from tests.customers.factories import CustomerFactory
from tests.expenses.factories import approved_claim
from tests.sales.factories import local, make_sale, set_quota
from visits.models import Visit

COMPLETE = {
    "person_met": "王经理",
    "discussion": "新品试用",
    "result": "同意试用",
    "next_step": "送样",
}


def customer_of(person, **fields) -> Customer:
    fields.setdefault("status", Customer.Status.CUSTOMER)
    fields.setdefault("channel", Channel.TERMINAL_MEDIUM)
    return CustomerFactory(territory=person.assignments.first().territory, owner=person, **fields)


def make_visit(person, customer, visited_at, *, complete=True, **fields) -> Visit:
    texts = COMPLETE if complete else {}
    return Visit.objects.create(
        salesperson=person,
        customer=customer,
        territory=customer.territory,
        visited_at=visited_at,
        kind=Visit.Kind.ON_SITE,
        **(texts | fields),
    )


def rate(person, month: date, score: int, by) -> ManagerRating:
    return ManagerRating.objects.create(
        salesperson=person, month=month, score=score, rated_by=by, rated_at=timezone.now()
    )


def complaint(person, customer, received_on: date, by) -> Complaint:
    return Complaint.objects.create(
        salesperson=person,
        customer=customer,
        region=customer.territory.region,
        received_on=received_on,
        summary="送货太慢",
        recorded_by=by,
    )


def busy_month(person, month: date, *, customers: int, manager) -> None:
    """A month of work for `person`: quota, sales to new customers, visits, a claim, a rating
    and a complaint, `customers` of each so the tests can grow the data."""
    set_quota(person, month, "375000")
    for number in range(customers):
        customer = customer_of(person, channel=Channel.TERMINAL_LARGE)
        moment = local(month.year, month.month, 2 + number % 20)
        make_sale(person, Decimal("10000"), moment, customer=customer)
        make_visit(person, customer, moment, complete=number % 2 == 0)
        complaint(person, customer, month.replace(day=3), manager)
    claim = ExpenseClaim.objects.filter(salesperson=person, month=month).first()
    if claim is None:
        approved_claim(person, month, amounts=["100"] * customers)
    else:
        for number in range(customers):
            ExpenseItem.objects.create(
                claim=claim,
                spent_on=month.replace(day=11),
                category="transport",
                amount=Decimal("100"),
                invoice_number=f"MORE-{person.pk}-{claim.items.count()}-{number}",
            )
    ManagerRating.objects.update_or_create(
        salesperson=person,
        month=month,
        defaults={"score": 4, "rated_by": manager, "rated_at": timezone.now()},
    )
    refresh_derived_tables(month)


def refresh_derived_tables(month: date) -> None:
    """What the nightly jobs leave behind, which the scorecard reads, in their nightly order:
    the month's half-year scored (01:30), then the region rollup rebuilt from the raw records
    and the scores (02:30)."""
    score_period(half_year_of(month))
    building.rebuild_all()
