"""Demo trip plans in every state and a few weeks of visits for East China (rules.md §5.2, §6.1).

Idempotent: it does nothing for a salesperson who already has trip plans. Demo customers are
found by name or created (the customers app's own demo, when present, runs first).
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.models import Channel, Customer
from salesops.models import User
from territories.models import Territory
from visits import services
from visits.models import PlannedVisit, TripPlan, Visit

T = Channel
# username → (name, territory code, channel, monthly demand, latitude offset, longitude offset)
DEMO_CUSTOMERS = {
    "li.ming": [
        ("杭州永固胶粘制品有限公司", "330106", T.TERMINAL_LARGE, "85000", 0.01, 0.00),
        ("杭州西溪包装材料厂", "330110", T.TERMINAL_MEDIUM, "32000", 0.00, 0.02),
        ("萧山恒达家具有限公司", "330109", T.TERMINAL_LARGE, "60000", -0.01, 0.01),
        ("宁波华达包装有限公司", "330203", T.TERMINAL_MEDIUM, "45000", 0.00, 0.00),
        ("宁波北仑港务物资公司", "330206", T.DEALER, "120000", 0.01, 0.01),
        ("绍兴柯桥纺织辅料厂", "330603", T.TERMINAL_SMALL, "8000", 0.00, 0.00),
        ("嘉兴南湖鞋材有限公司", "330402", T.TERMINAL_MEDIUM, "28000", 0.00, 0.00),
    ],
    "zhang.wei": [
        ("南京恒力建材有限公司", "320106", T.TERMINAL_LARGE, "70000", 0.00, 0.00),
        ("南京江宁汽配胶业", "320115", T.TERMINAL_MEDIUM, "38000", 0.01, 0.00),
        ("苏州工业园区电子材料公司", "320506", T.TERMINAL_LARGE, "95000", 0.00, 0.01),
        ("合肥蜀山门窗有限公司", "340104", T.TERMINAL_SMALL, "9000", 0.00, 0.00),
    ],
}
COMPETITORS = [
    {"brand": "汉高", "price": "42元/kg", "quality": "稳定", "payment_terms": "月结60天"},
    {"brand": "3M", "price": "55元/kg", "after_sales_service": "技术员驻厂", "strengths": "品牌"},
    {"brand": "回天", "price": "33元/kg", "weaknesses": "批次差异", "payment_terms": "现款"},
    {"brand": "康达", "price": "30元/kg", "strengths": "交货快", "weaknesses": "售后慢"},
]
RESULTS = ["同意试用样品", "需求确认，等报价", "采购经理出差，约下周", "已下试单", "对价格有异议"]
KINDS = [Visit.Kind.ON_SITE, Visit.Kind.PHONE, Visit.Kind.ON_SITE, Visit.Kind.SAMPLE]


def _territory(code: str) -> Territory:
    territory = Territory.objects.filter(code=code).first()
    return territory or Territory.objects.get(code=code[:4] + "00")


def _customers(person: User) -> list[Customer]:
    customers = []
    for name, code, channel, demand, d_lat, d_lng in DEMO_CUSTOMERS[person.username]:
        territory = _territory(code)
        customer, _created = Customer.objects.get_or_create(
            name=name,
            defaults={
                "territory": territory,
                "channel": channel,
                "owner": person,
                "estimated_monthly_demand": Decimal(demand),
                "latitude": (territory.latitude or 0) + Decimal(str(d_lat)),
                "longitude": (territory.longitude or 0) + Decimal(str(d_lng)),
                "status": Customer.Status.CUSTOMER if channel == T.DEALER else "prospect",
            },
        )
        customers.append(customer)
    return customers


def _plan(person, customers, title, *, cost="1800.00", weeks_ahead=1) -> TripPlan:
    today = timezone.localdate()
    monday = today + timedelta(days=7 * weeks_ahead - today.weekday())
    plan = services.create_trip_plan(
        by=person,
        title=title,
        starts_on=monday,
        ends_on=monday + timedelta(days=2),
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
            day=monday + timedelta(days=index // 2),
            purpose=["介绍新品", "送样", "催收货款", "处理投诉"][index % 4],
            expected_result="确认试用" if index % 2 else "拿到月需求量",
        )
    return plan


def _move_to_past(plan: TripPlan, weeks: int) -> None:
    """Demo only: put an already approved trip into a past week."""
    shift = timedelta(days=7 * weeks)
    TripPlan.objects.filter(pk=plan.pk).update(
        starts_on=plan.starts_on - shift, ends_on=plan.ends_on - shift
    )
    for planned in plan.planned_visits.all():
        PlannedVisit.objects.filter(pk=planned.pk).update(day=planned.day - shift)


def _plans_in_every_state(person, manager, director, customers) -> TripPlan:
    """Draft, submitted, awaiting the director, approved, rejected, returned and completed."""
    _plan(person, customers[:3], "下周杭州拜访（草稿）", weeks_ahead=3)
    submitted = _plan(person, customers[3:6], "宁波、绍兴客户拜访", weeks_ahead=2)
    services.submit_trip_plan(plan=submitted, by=person)
    for title, decision, cost in [
        ("浙江全省巡访", "approve", "6800.00"),
        ("杭州大客户回访", "approve", "1500.00"),
        ("嘉兴展会", "reject", "2500.00"),
        ("宁波样品配送", "return", "1200.00"),
    ]:
        plan = _plan(person, customers[:4], title, cost=cost, weeks_ahead=1)
        services.submit_trip_plan(plan=plan, by=person)
        comment = "" if decision == "approve" else "费用偏高，请压缩住宿天数"
        services.decide_trip_plan(plan=plan, by=manager, decision=decision, comment=comment)
    done = _plan(person, customers[:3], "上周杭州、萧山拜访", weeks_ahead=1)
    services.submit_trip_plan(plan=done, by=person)
    services.decide_trip_plan(plan=done, by=manager, decision="approve", comment="同意")
    _move_to_past(done, weeks=2)
    return done


def _visit_planned(person: User, plan: TripPlan) -> None:
    """The completed trip's first two planned visits happened on their day."""
    for planned in plan.planned_visits.order_by("day")[:2]:
        services.record_visit(
            by=person,
            customer=planned.customer,
            visited_at=timezone.make_aware(datetime.combine(planned.day, time(11))),
            kind=Visit.Kind.ON_SITE,
            person_met="王总",
            person_position="总经理",
            sales_objective=planned.purpose,
            result="按计划完成拜访",
        )


def _visits(person: User, customers: list[Customer], weeks: int = 4) -> None:
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    count = 0
    for week in range(weeks, -1, -1):
        monday = this_monday - timedelta(days=7 * week)
        for day_offset, hour in [(1, 10), (2, 15), (3, 10)]:
            when = timezone.make_aware(
                datetime.combine(monday + timedelta(days=day_offset), time(hour))
            )
            if when >= timezone.now():
                continue
            customer = customers[count % len(customers)]
            services.record_visit(
                by=person,
                customer=customer,
                visited_at=when,
                kind=KINDS[count % len(KINDS)],
                person_met="陈经理",
                person_position="采购经理",
                sales_objective="拿到试用订单",
                discussion="介绍水性胶新品，对方关心环保认证和账期",
                result=RESULTS[count % len(RESULTS)],
                next_step="寄送样品并报价",
                follow_up_on=timezone.localdate(when) + timedelta(days=3),
                competitors=[COMPETITORS[count % len(COMPETITORS)]],
            )
            count += 1
        if week > 0:
            services.lock_week(salesperson=person, week_start=monday, by=None, reason="周报已提交")
    # Demo only: most were entered on the day; keep two late entries for the manager to see.
    late = list(Visit.objects.filter(salesperson=person).values_list("pk", flat=True)[:2])
    Visit.objects.filter(salesperson=person).exclude(pk__in=late).update(is_late_entry=False)


@transaction.atomic
def seed(out) -> None:
    people = {
        user.username: user
        for user in User.objects.filter(
            username__in=["li.ming", "zhang.wei", "wang.jianguo", "zhao.lixin"]
        )
    }
    if len(people) < 4:
        out.write("  skipped: the demo organisation is missing")
        return
    manager, director = people["wang.jianguo"], people["zhao.lixin"]
    for username in DEMO_CUSTOMERS:
        person = people[username]
        if TripPlan.objects.filter(salesperson=person).exists():
            continue
        customers = _customers(person)
        done = _plans_in_every_state(person, manager, director, customers)
        _visit_planned(person, done)
        _visits(person, customers)
        services.complete_trip_plan(plan=done, by=person)
    director_queue = TripPlan.objects.filter(status=TripPlan.Status.MANAGER_APPROVED).count()
    out.write(
        f"  {TripPlan.objects.count()} trip plans ({director_queue} waiting for the director),"
        f" {Visit.objects.count()} visits"
    )
