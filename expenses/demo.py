"""Demo expense claims for East China over the sales demo's half-year (rules.md §8.1).

For the same months as the sales demo: one late claim, one above the cap (signed by the
director), one advance settled by refund and one by top-up, and one claim waiting in the
manager's queue. The months are scored again afterwards, so attainment shows travel cost.

Idempotent: everything is keyed by what it is, so running it again changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from customers.models import Customer
from expenses.models import ExpenseClaim, ExpenseItem, TravelAdvance
from sales.demo import MONTHLY_SALES, local
from sales.services.scoring import score_months
from salesops.models import User
from salesops.months import add_months, add_working_days, current_month, half_year_of
from territories.models import Region
from visits.models import PlannedVisit, TripPlan, Visit

EXPENSE_ITEMS = [("lodging", 1200), ("transport", 900), ("phone", 200), ("entertainment", 600)]


def _claim(
    person: User,
    region: Region,
    month: date,
    extra: int,
    status: str,
    late: bool,
    director: User,
    manager: User,
) -> ExpenseClaim:
    due = add_months(month, 1).replace(day=5)
    submitted = local(due + timedelta(days=2 if late else -2), 10)
    claim, created = ExpenseClaim.objects.get_or_create(
        salesperson=person,
        month=month,
        defaults={
            "region": region,
            "status": status,
            "submitted_at": submitted,
            "is_late": late,
            "decision_due_on": add_working_days(submitted.date(), 3),
        },
    )
    if not created:
        return claim
    plan = _trip(person, region, month)
    for number, (category, amount) in enumerate(EXPENSE_ITEMS, start=1):
        ExpenseItem.objects.create(
            claim=claim,
            spent_on=month.replace(day=3 + number * 4),
            category=category,
            amount=Decimal(amount + (extra if number == 1 else 0)),
            invoice_number=f"DEMO{month:%Y%m}{person.pk:03d}{number:02d}",
            trip_plan=None if category == "phone" else plan,
        )
    if status == ExpenseClaim.Status.APPROVED:
        claim.decided_by = director if extra > 2000 else manager
        claim.decided_at = submitted + timedelta(days=1)
        claim.decided_on_time = True
        claim.settlement = sum(item.amount for item in claim.items.all())
        claim.save()
    return claim


def _trip(person: User, region: Region, month: date) -> TripPlan:
    """One completed trip a month: three planned visits, two of them visited."""
    starts_on = month.replace(day=7)
    plan = TripPlan.objects.create(
        salesperson=person,
        region=region,
        title=f"{month:%Y-%m} 客户拜访出差",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=2),
        status=TripPlan.Status.COMPLETED,
        estimated_lodging=Decimal("1200"),
        estimated_transport=Decimal("800"),
        estimated_entertainment=Decimal("500"),
    )
    customers = Customer.objects.filter(owner=person).order_by("name")[:3]
    for position, customer in enumerate(customers):
        day = starts_on + timedelta(days=position)
        visit = None
        if position < 2:
            visit = Visit.objects.create(
                salesperson=person,
                customer=customer,
                territory=customer.territory,
                visited_at=local(day, 10),
                kind=Visit.Kind.ON_SITE,
                sales_objective="了解下月用量",
                result="确认下月订单",
            )
        PlannedVisit.objects.create(
            plan=plan, customer=customer, day=day, purpose="拜访采购负责人", visit=visit
        )
    return plan


def _expenses(people: dict[str, User], region: Region, months: list[date], manager, director):
    for index, month in enumerate(months):
        for username, person in people.items():
            extra = 2500 if (username == "li.ming" and index == 3) else 150 * index
            late = username == "chen.jing" and index == 1
            _claim(
                person, region, month, extra, ExpenseClaim.Status.APPROVED, late, director, manager
            )
    # Advances settled against month 3's claims: one refund (advance > claim), one top-up.
    for username, amount in (("zhang.wei", "4000"), ("liu.yang", "3000")):
        claim = ExpenseClaim.objects.get(salesperson=people[username], month=months[2])
        advance, created = TravelAdvance.objects.get_or_create(
            salesperson=people[username],
            paid_on=months[2].replace(day=2),
            defaults={"amount": Decimal(amount), "settled_by_claim": claim},
        )
        if created:
            claim.settlement = sum(i.amount for i in claim.items.all()) - advance.amount
            claim.save(update_fields=["settlement"])
    # Last month's claim of 李明 waits in the manager's queue.
    waiting = add_months(current_month(), -1)
    _claim(
        people["li.ming"],
        region,
        waiting,
        0,
        ExpenseClaim.Status.SUBMITTED,
        False,
        director,
        manager,
    )


def seed(out) -> None:
    region = Region.objects.filter(code="east-china").first()
    people = {u.username: u for u in User.objects.filter(username__in=MONTHLY_SALES)}
    if region is None or len(people) < len(MONTHLY_SALES):
        out.write("  East China demo people missing: no expenses demo")
        return
    manager = User.objects.get(username="wang.jianguo")
    director = User.objects.get(username="zhao.lixin")
    period = half_year_of(add_months(current_month(), -6))
    months = [add_months(period, offset) for offset in range(6)]
    with transaction.atomic():
        _expenses(people, region, months, manager, director)
    written = score_months(first_month=months[0], last_month=months[-1])
    out.write(
        f"  expenses {months[0]:%Y-%m}–{months[-1]:%Y-%m}: {written} attainment rows rescored"
    )
