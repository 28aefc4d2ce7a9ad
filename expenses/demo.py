"""Demo expense claims and advances over the demo's months, in both regions (rules.md §8).

Replayed through the services on the days people acted: every past month each seller files a
claim for the month's trip (lodging, transport, phone, entertainment), submits it by the 5th
(陈静 once too late), and their manager signs within a day; one claim above the cap is signed
by the director too (rules.md §8.5); two advances are settled by the next approved claim, one
by a refund and one by a top-up (rules.md §8.6). Last month's claims of 李明 and 林晓燕 wait
for their managers, 张伟's (above the cap) for the director; 李明 holds an open advance for
next week's trip and this month's claim is being filled in. The months are scored again, so
attainment shows travel cost.

Idempotent: it does nothing once the demo sellers have claims.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from expenses import services
from expenses.models import ExpenseClaim, TravelAdvance
from sales.services.scoring import score_months
from salesops.models import User
from salesops.months import add_months
from territories.demo import acting_at, demo_months
from visits.demo import SELLERS
from visits.models import TripPlan

EXPENSE_ITEMS = [("lodging", 1200), ("transport", 900), ("phone", 200), ("entertainment", 600)]
WAITING_FOR_MANAGER = {"li.ming", "lin.xiaoyan"}
WAITING_FOR_DIRECTOR = "zhang.wei"
ADVANCES = {"zhang.wei": Decimal("4000"), "liu.yang": Decimal("3000")}  # taken in month 3


def _at(day: date, hour: int) -> datetime:
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    return min(moment, timezone.now() - timedelta(minutes=30))


def _fill(claim: ExpenseClaim, person: User, month: date, extra: int) -> None:
    plan = TripPlan.objects.filter(salesperson=person, starts_on__year=month.year).filter(
        starts_on__month=month.month, status=TripPlan.Status.COMPLETED
    )
    plan = plan.first()
    for number, (category, amount) in enumerate(EXPENSE_ITEMS, start=1):
        services.add_expense_item(
            claim=claim,
            by=person,
            spent_on=month.replace(day=3 + number * 4),
            category=category,
            amount=Decimal(amount + (extra if number == 1 else 0)),
            invoice_number=f"DEMO{month:%Y%m}{person.pk:03d}{number:02d}",
            trip_plan=None if category == "phone" else plan,
        )


def _month_claim(person, manager, director, month: date, index: int, last: bool) -> None:
    username = person.username
    extra = 2500 if (username == "li.ming" and index == 3) else 150 * (index % 4)
    if last and username == WAITING_FOR_DIRECTOR:
        extra = 2600  # above the 5,000 cap: the director signs after the manager
    if index == 2 and username in ADVANCES:
        with acting_at(_at(month.replace(day=5), 9)):
            services.take_advance(
                by=person, paid_on=month.replace(day=5), amount=ADVANCES[username]
            )
    with acting_at(_at(month.replace(day=25), 18)):
        claim = services.open_claim(by=person, month=month)
        _fill(claim, person, month, extra)
    next_month = add_months(month, 1)
    late = username == "chen.jing" and index == 1
    submitted = _at(next_month.replace(day=7 if late else 3), 10)
    with acting_at(submitted):
        services.submit_claim(claim=claim, by=person)
    if last and username in WAITING_FOR_MANAGER:
        return
    with acting_at(_at(submitted.date() + timedelta(days=1), 11)):
        claim = services.decide_claim(claim=claim, by=manager, decision="approve", comment="同意")
    if claim.status == ExpenseClaim.Status.MANAGER_APPROVED and not last:
        with acting_at(_at(submitted.date() + timedelta(days=2), 15)):
            services.decide_claim(claim=claim, by=director, decision="approve", comment="同意")


def _this_month(person: User) -> None:
    """This month's claim being filled in, and an open advance for next week's trip."""
    today = timezone.localdate()
    claim = services.open_claim(by=person, month=today.replace(day=1))
    services.add_expense_item(
        claim=claim,
        by=person,
        spent_on=today,
        category="transport",
        amount=Decimal("320.00"),
        invoice_number=f"DEMO{today:%Y%m}{person.pk:03d}90",
    )
    services.take_advance(by=person, paid_on=today, amount=Decimal("3000"))


def seed(out) -> None:
    people = {
        u.username: u
        for u in User.objects.filter(username__in=[*SELLERS, *set(SELLERS.values()), "zhao.lixin"])
    }
    if len(people) < len(SELLERS) + 3:
        out.write("  demo people missing: no expenses demo")
        return
    if ExpenseClaim.objects.filter(salesperson__in=people.values()).exists():
        out.write("  expense claims already there")
        return
    months = demo_months()
    past = months[:-1]
    with transaction.atomic():
        for username, manager_name in SELLERS.items():
            person, manager = people[username], people[manager_name]
            for index, month in enumerate(past):
                last = index == len(past) - 1
                _month_claim(person, manager, people["zhao.lixin"], month, index, last)
        _this_month(people["li.ming"])
    written = score_months(first_month=months[0], last_month=months[-1])
    waiting = ExpenseClaim.objects.filter(
        status__in=[ExpenseClaim.Status.SUBMITTED, ExpenseClaim.Status.MANAGER_APPROVED]
    ).count()
    advances = TravelAdvance.objects.count()
    out.write(
        f"  expense claims {months[0]:%Y-%m}–{months[-1]:%Y-%m}: {ExpenseClaim.objects.count()}"
        f" ({waiting} waiting), {advances} advances; {written} attainment rows rescored"
    )
