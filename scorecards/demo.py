"""Demo input of the scorecard's attitude measure and a quiet important customer per seller
(rules.md §10.4, §11.4), replayed through the services on the days people acted.

At the end of every past demo month each regional manager rates their salespeople (李明 mostly
excellent, 刘洋 slipping while he learns, 陈静 steady but not more) and the sales director rates
the two managers; a few customers complain about 陈静 and 刘洋. 李明 and 林晓燕 each have a
large customer whose one order came six weeks ago and whom nobody has called since, though the
next order is due: a class-A customer gone quiet, flagged on their home page and their
manager's (rules.md §11.4).

Idempotent: it does nothing once the demo people have ratings.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers import classification
from customers.demo import demo_customer
from customers.models import Channel, Customer
from sales.services.sales import import_sales
from salesops.models import User
from salesops.months import add_months
from scorecards import services
from scorecards.models import ManagerRating
from territories.demo import acting_at, demo_day_at, demo_months
from territories.models import Assignment
from visits import services as visit_services
from visits.demo import MANAGERS, SELLERS

DIRECTOR, HEAD_OFFICE = "zhao.lixin", "sun.lihua"
# username → the ratings of the months, repeated over the demo's history
RATING_PATTERNS = {
    "li.ming": [5, 5, 4],
    "zhang.wei": [4, 3, 4],
    "liu.yang": [3, 3, 2],
    "chen.jing": [3],
    "lin.xiaoyan": [4, 4, 5],
    "wang.jianguo": [4],
    "huang.zhiqiang": [4, 3],
}
NOTES = {5: "主动开拓，周报详实", 4: "完成稳定", 3: "符合要求", 2: "拜访记录不完整，需要改进"}
COMPLAINTS = {  # username → (months before this one, day, what the customer said)
    "chen.jing": [(2, 12, "报价后一周没有回复"), (5, 20, "约好的拜访没有来")],
    "liu.yang": [(1, 8, "样品送错型号")],
}
# rules.md §11.2: a small shop 张伟 keeps driving to (eight visits in four months) for one
# order of 12,000: the visits cost more than its gross profit, so it is suggested for hand-off.
HANDOFF_SELLER, HANDOFF_CUSTOMER, HANDOFF_VISITS = "zhang.wei", "南京小鹏五金店", 8
RECORDED_DAYS_AGO, ORDERED_DAYS_AGO = 60, 45  # one order six weeks ago, no call since
QUIET_CUSTOMERS = {
    "li.ming": "宁波精工胶粘制品有限公司",
    "lin.xiaoyan": "深圳华强电子材料有限公司",
}


def _manager_of(username: str) -> str:
    return SELLERS.get(username, DIRECTOR)


def _rate_months(people: dict[str, User]) -> int:
    months = demo_months()[:-1]
    count = 0
    for username, pattern in RATING_PATTERNS.items():
        person, rater = people[username], people[_manager_of(username)]
        for index, month in enumerate(months):
            score = pattern[index % len(pattern)]
            last_day = add_months(month, 1) - timedelta(days=1)
            with acting_at(demo_day_at(last_day, 17)):
                services.rate_salesperson(
                    person=person, month=month, score=score, note=NOTES[score], by=rater
                )
            count += 1
    return count


def _complaints(people: dict[str, User]) -> int:
    this_month = demo_months()[-1]
    count = 0
    for username, entries in COMPLAINTS.items():
        person, manager = people[username], people[_manager_of(username)]
        customer = Customer.objects.filter(owner=person).order_by("pk").first()
        if customer is None:
            continue
        for months_back, day, summary in entries:
            received_on = add_months(this_month, -months_back).replace(day=day)
            with acting_at(demo_day_at(received_on, 16)):
                services.record_complaint(
                    person=person,
                    customer=customer,
                    received_on=received_on,
                    summary=summary,
                    by=manager,
                )
            count += 1
    return count


def _quiet_customers(people: dict[str, User]) -> list[Customer]:
    """A large customer expecting to order again within days: recorded two months ago, one
    order six weeks ago (head office imports it), and nobody has called since."""
    today = timezone.localdate()
    recorded = today - timedelta(days=RECORDED_DAYS_AGO)
    ordered = today - timedelta(days=ORDERED_DAYS_AGO)
    customers, rows = [], []
    for username, name in QUIET_CUSTOMERS.items():
        person = people[username]
        assignment = Assignment.objects.active().filter(salesperson=person)
        territory = assignment.order_by("territory__code").first().territory
        with acting_at(demo_day_at(recorded, 10)):
            customers.append(
                demo_customer(
                    by=person,
                    name=name,
                    channel=Channel.TERMINAL_LARGE,
                    territory=territory,
                    estimated_monthly_demand=Decimal("120000"),
                    expected_order_date=ordered + timedelta(days=10),
                )
            )
        rows.append(
            {
                "order_number": f"DEMO-QUIET-{username}",
                "line": "1",
                "date": demo_day_at(ordered, 11).isoformat(),
                "customer": name,
                "salesperson": username,
                "amount": "20000.00",
                "gross_profit": "5200.00",
            }
        )
    with acting_at(demo_day_at(ordered, 18)):
        import_sales(rows=rows, by=people[HEAD_OFFICE], file_name="demo-order-export-quiet.csv")
    classification.reclassify(Customer.objects.filter(pk__in=[c.pk for c in customers]))
    return customers


def _days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def _visit_days(person: User, count: int) -> list:
    """Tuesdays of the last weeks whose report has not locked them (rules.md §6.4), newest
    first, then this week's days so far."""
    today = timezone.localdate()
    tuesdays = [today - timedelta(days=today.weekday() - 1 + 7 * weeks) for weeks in range(1, 18)]
    days = [day for day in tuesdays if not visit_services.is_week_locked(person, day)]
    return [*days, today][:count]


def _costly_small_customer(people: dict[str, User]) -> Customer:
    person = people[HANDOFF_SELLER]
    territory = Assignment.objects.active().filter(salesperson=person)
    territory = territory.order_by("territory__code").first().territory
    first_day = _days_ago(130)
    with acting_at(demo_day_at(first_day, 9)):
        customer = demo_customer(
            by=person,
            name=HANDOFF_CUSTOMER,
            channel=Channel.TERMINAL_SMALL,
            territory=territory,
            estimated_monthly_demand=Decimal("4000"),
        )
    for number, day in enumerate(sorted(_visit_days(person, HANDOFF_VISITS))):
        with acting_at(demo_day_at(day, 15)):
            visit_services.record_visit(
                by=person,
                customer=customer,
                visited_at=demo_day_at(day, 14),
                kind="on_site",
                person_met="小鹏老板",
                discussion="老板要求小批量多次送货",
                result="下了一张小单" if number == 2 else "没有新订单",
                next_step="下周再来",
            )
    ordered = _days_ago(100)
    row = {
        "order_number": f"DEMO-HANDOFF-{HANDOFF_SELLER}",
        "line": "1",
        "date": demo_day_at(ordered, 11).isoformat(),
        "customer": HANDOFF_CUSTOMER,
        "salesperson": HANDOFF_SELLER,
        "amount": "12000.00",
        "gross_profit": "3120.00",
    }
    with acting_at(demo_day_at(ordered, 18)):
        import_sales(rows=[row], by=people[HEAD_OFFICE], file_name="demo-order-export-shop.csv")
    classification.reclassify(Customer.objects.filter(pk=customer.pk))  # the nightly job, now
    return customer


def seed(out) -> None:
    usernames = [*SELLERS, *MANAGERS, DIRECTOR, HEAD_OFFICE]
    people = {user.username: user for user in User.objects.filter(username__in=usernames)}
    if len(people) < len(usernames):
        out.write("  demo people missing: no scorecards demo")
        return
    if ManagerRating.objects.filter(salesperson__in=people.values()).exists():
        out.write("  ratings already there")
        return
    with transaction.atomic():
        ratings = _rate_months(people)
        complaints = _complaints(people)
        quiet = _quiet_customers(people)
        _costly_small_customer(people)
    out.write(
        f"  {ratings} monthly ratings, {complaints} complaints, "
        f"{len(quiet)} important customers gone quiet, a small shop to hand off"
    )
