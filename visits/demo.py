"""Demo trip plans in every state and a year of visits in both regions (rules.md §5.2, §6.1).

Replayed through the services on the days people acted (`territories.demo.acting_at`): every
past month each seller made one approved, completed trip; this week's plans stand in every state
(draft, waiting for the manager, waiting for the director, approved, rejected, returned); the
managers' own trips wait for the director (rules.md §1.5); the last weeks hold visits entered
on the day, the weeks before this one locked by their weekly report, and two late entries.

Idempotent: it does nothing for a seller who already has trip plans.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.demo import classification_batched
from customers.models import Customer
from salesops.models import User
from territories.demo import acting_at, demo_day_at, demo_months
from visits import services
from visits.models import TripPlan, Visit

# seller → their regional manager
SELLERS = {
    "li.ming": "wang.jianguo",
    "zhang.wei": "wang.jianguo",
    "liu.yang": "wang.jianguo",
    "chen.jing": "wang.jianguo",
    "lin.xiaoyan": "huang.zhiqiang",
}
MANAGERS = ["wang.jianguo", "huang.zhiqiang"]
PLANS_IN_EVERY_STATE = ["li.ming", "zhang.wei", "lin.xiaoyan"]
COMPETITORS = [
    {"brand": "汉高", "price": "42元/kg", "quality": "稳定", "payment_terms": "月结60天"},
    {"brand": "3M", "price": "55元/kg", "after_sales_service": "技术员驻厂", "strengths": "品牌"},
    {"brand": "回天", "price": "33元/kg", "weaknesses": "批次差异", "payment_terms": "现款"},
    {"brand": "康达", "price": "30元/kg", "strengths": "交货快", "weaknesses": "售后慢"},
]
RESULTS = ["同意试用样品", "需求确认，等报价", "采购经理出差，约下周", "已下试单", "对价格有异议"]
KINDS = [Visit.Kind.ON_SITE, Visit.Kind.PHONE, Visit.Kind.ON_SITE, Visit.Kind.SAMPLE]
PURPOSES = ["介绍新品", "送样", "催收货款", "处理投诉"]


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def book_of(person: User, count: int = 7) -> list[Customer]:
    """The seller's first customers (the demo's plans and visits go to them)."""
    return list(Customer.objects.filter(owner=person).order_by("pk")[:count])


def _plan(person, customers, title, starts_on, *, cost="1800.00", days=3) -> TripPlan:
    plan = services.create_trip_plan(
        by=person,
        title=title,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        estimated_lodging=Decimal(cost) * Decimal("0.5"),
        estimated_transport=Decimal(cost) * Decimal("0.3"),
        estimated_phone=Decimal("100.00"),
        estimated_entertainment=Decimal(cost) * Decimal("0.2") - Decimal("100.00"),
    )
    for index, customer in enumerate(customers):
        services.add_planned_visit(
            plan=plan,
            by=person,
            customer=customer,
            day=starts_on + timedelta(days=index % days),
            purpose=PURPOSES[index % len(PURPOSES)],
            expected_result="确认试用" if index % 2 else "拿到月需求量",
        )
    return plan


def _visit(person: User, customer: Customer, when: datetime, count: int, **extra) -> Visit:
    """A visit entered half an hour after it ended, like a disciplined salesperson's."""
    with acting_at(min(when + timedelta(minutes=30), timezone.now())):
        return services.record_visit(
            by=person,
            customer=customer,
            visited_at=when,
            kind=extra.pop("kind", KINDS[count % len(KINDS)]),
            person_met="陈经理",
            person_position="采购经理",
            sales_objective="拿到试用订单",
            discussion="介绍水性胶新品，对方关心环保认证和账期",
            result=RESULTS[count % len(RESULTS)],
            next_step="寄送样品并报价",
            follow_up_on=timezone.localdate(when) + timedelta(days=3),
            competitors=[COMPETITORS[count % len(COMPETITORS)]],
            **extra,
        )


def completed_trip(person: User, manager: User, customers, starts_on: date, title: str):
    """A trip planned a week ahead, approved the next day, made (two of three visits) and closed."""
    with acting_at(_moment(starts_on - timedelta(days=7), 9)):
        plan = _plan(person, customers[:3], title, starts_on, cost="2500.00")
        services.submit_trip_plan(plan=plan, by=person)
    with acting_at(_moment(starts_on - timedelta(days=6), 10)):
        services.decide_trip_plan(plan=plan, by=manager, decision="approve", comment="同意")
    for index, planned in enumerate(plan.planned_visits.order_by("day", "pk")[:2]):
        _visit(person, planned.customer, _moment(planned.day, 11), index, kind=Visit.Kind.ON_SITE)
    with acting_at(_moment(plan.ends_on + timedelta(days=1), 9)):
        services.complete_trip_plan(plan=plan, by=person)
    return plan


def _monthly_trips(person: User, manager: User, customers: list[Customer]) -> None:
    """One completed trip in every past month of the demo (the expense claims link to it)."""
    today = timezone.localdate()
    for month in demo_months():
        starts_on = month.replace(day=8)
        if starts_on + timedelta(days=10) > today:
            continue
        completed_trip(person, manager, customers, starts_on, f"{month:%Y-%m} 客户拜访出差")


def _plans_in_every_state(person, manager, customers) -> None:
    """This week's plans: draft, submitted, waiting for the director, approved, rejected and
    returned (rules.md §5.2, §5.4)."""
    today = timezone.localdate()
    next_monday = today + timedelta(days=7 - today.weekday())
    _plan(person, customers[:3], "下月客户拜访（草稿）", next_monday + timedelta(days=14))
    submitted = _plan(person, customers[3:6], "重点客户拜访", next_monday + timedelta(days=7))
    services.submit_trip_plan(plan=submitted, by=person)
    for title, decision, cost in [
        ("全省巡访", "approve", "6800.00"),  # above 5,000: the director decides next
        ("大客户回访", "approve", "1500.00"),
        ("展会参展", "reject", "2500.00"),
        ("样品配送", "return", "1200.00"),
    ]:
        plan = _plan(person, customers[:4], title, next_monday, cost=cost)
        services.submit_trip_plan(plan=plan, by=person)
        comment = "" if decision == "approve" else "费用偏高，请压缩住宿天数"
        services.decide_trip_plan(plan=plan, by=manager, decision=decision, comment=comment)


def _managers_own_plan(manager: User) -> None:
    """A manager's own trip goes to the director (rules.md §1.5)."""
    today = timezone.localdate()
    starts_on = today + timedelta(days=14 - today.weekday())
    plan = _plan(manager, book_of(manager, 3), "大区重点客户走访", starts_on)
    services.submit_trip_plan(plan=plan, by=manager)


def _recent_visits(person: User, customers: list[Customer], weeks: int = 4) -> None:
    """Visits of the last weeks and of this one; the past weeks are locked by their report."""
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    count = 0
    for week in range(weeks, -1, -1):
        monday = this_monday - timedelta(days=7 * week)
        days = [(1, 10), (2, 15), (3, 10)] if week else [(0, 9), (1, 10), (3, 15)]
        for day_offset, hour in days:
            day = monday + timedelta(days=day_offset)
            if day > today or (week == 0 and day_offset and day == today and count % 2):
                continue
            when = demo_day_at(day, hour)
            if when < _moment(monday, 0):  # the week has only just begun
                continue
            _visit(person, customers[count % len(customers)], when, count)
            count += 1
        if week == 1:  # one entered late (rules.md §6.3), for the manager to see
            when = _moment(monday + timedelta(days=2), 17)
            with acting_at(_moment(monday + timedelta(days=5), 10)):
                services.record_visit(
                    by=person,
                    customer=customers[-1],
                    visited_at=when,
                    kind=Visit.Kind.PHONE,
                    sales_objective="确认交货期",
                    result="补录：客户确认下周交货",
                )
        if week > 0:
            with acting_at(_moment(monday + timedelta(days=5), 11)):
                services.lock_week(
                    salesperson=person, week_start=monday, by=person, reason="周报已提交"
                )


@transaction.atomic
def seed(out) -> None:
    people = {
        user.username: user
        for user in User.objects.filter(username__in=[*SELLERS, *MANAGERS, "zhao.lixin"])
    }
    if len(people) < len(SELLERS) + len(MANAGERS) + 1:
        out.write("  skipped: the demo organisation is missing")
        return
    if TripPlan.objects.filter(salesperson__in=people.values()).exists():
        out.write("  trip plans already there")
        return
    with classification_batched():  # every visit re-classifies its customer (rules.md §6.7)
        for username, manager_name in SELLERS.items():
            person, manager = people[username], people[manager_name]
            customers = book_of(person)
            _monthly_trips(person, manager, customers)
            if username in PLANS_IN_EVERY_STATE:
                _plans_in_every_state(person, manager, customers)
            _recent_visits(person, customers)
        for manager_name in MANAGERS:
            manager = people[manager_name]
            _managers_own_plan(manager)
            _recent_visits(manager, book_of(manager))
    waiting_manager = TripPlan.objects.filter(status=TripPlan.Status.SUBMITTED).count()
    waiting_director = TripPlan.objects.filter(status=TripPlan.Status.MANAGER_APPROVED).count()
    out.write(
        f"  {TripPlan.objects.count()} trip plans ({waiting_manager} submitted,"
        f" {waiting_director} approved by the manager and waiting for the director),"
        f" {Visit.objects.count()} visits"
    )
