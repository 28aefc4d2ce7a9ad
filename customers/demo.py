"""Demo book of business in both regions: prospects and customers whose demand estimates and
order dates produce all four classes (rules.md §4.2), with contacts, follow-ups due today and
overdue, dealers with credit tiers, the competitors seen and cross-territory requests (§2.5).

Every customer is created through `customers.services` like a user's (normalised name,
duplicate keys, audit, classification). `demo_customer` is how the other apps' demos add the
customers they name. Idempotent: once the demo sellers have customers, it adds nothing.
"""

import random
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

from django.db import transaction
from django.db.models import DateTimeField, Exists, Min, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from customers import classification, services
from customers.models import Channel, ClassChange, CreditTier, Customer, Source
from salesops import access
from salesops.models import CompanySettings, User
from salesops.months import add_months, local_midnight
from territories import services as territory_services
from territories.demo import PEOPLE, demo_day_at
from territories.models import CrossTerritoryRequest, Territory

# seller → how many prospects and customers of their own
BOOK_SIZES = {
    "li.ming": 60,
    "zhang.wei": 60,
    "liu.yang": 60,
    "chen.jing": 60,
    "wang.jianguo": 20,
    "lin.xiaoyan": 60,
    "huang.zhiqiang": 20,
}

BRANDS = [
    "永固",
    "新华达",
    "恒信",
    "金鼎",
    "华美",
    "鑫源",
    "博远",
    "宏达",
    "天诚",
    "盛世",
    "瑞丰",
    "东方",
    "中科",
    "利达",
    "嘉禾",
    "正泰",
    "长城",
    "海纳",
]
TRADES = [
    "包装",
    "胶粘制品",
    "电子",
    "家具",
    "汽车配件",
    "印刷",
    "建材",
    "制鞋",
    "纸品",
    "木业",
    "标签",
    "电器",
]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"]
POSITIONS = ["采购经理", "总经理", "生产主管", "技术工程师", "老板"]
COMPETITORS = ["汉高", "3M", "德莎", "回天", "康达", "富乐"]
CHANNELS = [
    (Channel.TERMINAL_LARGE, 2),
    (Channel.TERMINAL_MEDIUM, 4),
    (Channel.TERMINAL_SMALL, 3),
    (Channel.DEALER, 1),
]


def _cities(username: str) -> list[Territory]:
    """The cities a seller works: the cities held, or those of the provinces held."""
    codes = next(held for name, _n, _r, _regions, held in PEOPLE if name == username)
    person = User.objects.get(username=username)
    held = [a.territory for a in person.assignments.active().select_related("territory")]
    cities = [t for t in held if t.level == Territory.Level.CITY]
    provinces = [t for t in held if t.level == Territory.Level.PROVINCE]
    cities += list(Territory.objects.filter(parent__in=provinces, level=Territory.Level.CITY))
    if not cities:
        raise ValueError(f"{username} holds no city ({codes})")
    return sorted(cities, key=lambda city: city.code)


@contextmanager
def classification_batched():
    """Demo only: the re-classification each service call queues for one customer is gathered
    and run once, set-based, when the block ends — the same function as the queued task and the
    nightly job (rules.md §4.5), without a few hundred one-customer runs."""
    changed: set[int] = set()
    with mock.patch.object(
        services.book, "_queue_reclassification", side_effect=lambda c: changed.add(c.pk)
    ):
        yield
    classification.reclassify(Customer.objects.filter(pk__in=changed))


def replay_class_history(months: list[date]) -> int:
    """Demo only: the classes the nightly classification would have kept (rules.md §4.5) over
    the demo's past months, so the A/B/C/D counts over time have a history. The demo's records
    are all made today, so the history is worked out from its sales:

    1. at the evening of each past month's last day, every customer that had bought by then is
       classified by the nightly job's own rule (`classification.classes_on`): demand is the
       larger of the estimate and the three full months' average sales (§4.4), and the
       expected order date is the day the next order came — what the salesperson expected;
    2. each change of class is kept as a class change dated that evening;
    3. today's classification, made when the customer was recorded, then follows on from the
       last of them: its previous class is set, or it is dropped when nothing changed.
    Returns the class changes written."""
    rules = CompanySettings.current()
    held: dict[int, str] = {}
    since: dict[int, datetime] = {}
    changes = []
    for month in months[:-1]:
        evening = local_midnight(add_months(month, 1)) - timedelta(hours=2)
        for pk, letter in _classes_then(rules, evening):
            if held.get(pk) != letter:
                changes.append(
                    ClassChange(
                        customer_id=pk,
                        from_class=held.get(pk, ""),
                        to_class=letter,
                        changed_at=evening,
                    )
                )
                held[pk], since[pk] = letter, evening
    ClassChange.objects.bulk_create(changes, batch_size=2000)
    _follow_on_from_history(held, since, after=local_midnight(months[-1]))
    return len(changes)


def _classes_then(rules: CompanySettings, moment: datetime) -> list[tuple[int, str]]:
    """(id, class) at `moment` of every customer that had bought by then, by the nightly job's
    rule, what the salesperson expected read from what came: the day of the next order."""
    next_order = (
        Customer.objects.filter(pk=OuterRef("pk"), sales__sold_at__gt=moment)
        .order_by()
        .values("pk")
        .annotate(first=Min("sales__sold_at"))
        .values("first")
    )
    bought = Customer.objects.filter(pk=OuterRef("pk"), sales__sold_at__lte=moment)
    return classification.classes_on(
        Customer.objects.filter(Exists(bought)),
        rules,
        timezone.localdate(moment),
        order_expected_on=TruncDate(Subquery(next_order, output_field=DateTimeField())),
    )


def _follow_on_from_history(held: dict[int, str], since: dict[int, datetime], *, after) -> None:
    """Today's first classification of each customer with a history follows on from its last
    class (a few grouped statements: one per class and one per month's evening)."""
    firsts = ClassChange.objects.filter(customer_id__in=held, from_class="", changed_at__gte=after)
    unchanged, moved = [], {}
    for pk, customer_id, to_class in firsts.values_list("pk", "customer_id", "to_class"):
        if to_class == held[customer_id]:
            unchanged.append((pk, customer_id))
        else:
            moved.setdefault(held[customer_id], []).append(pk)
    for from_class, pks in moved.items():
        ClassChange.objects.filter(pk__in=pks).update(from_class=from_class)
    ClassChange.objects.filter(pk__in=[pk for pk, _customer in unchanged]).delete()
    by_evening: dict[datetime, list[int]] = {}
    for _pk, customer_id in unchanged:
        by_evening.setdefault(since[customer_id], []).append(customer_id)
    for evening, customer_ids in by_evening.items():
        Customer.objects.filter(pk__in=customer_ids).update(class_since=evening)


def demo_customer(*, by: User, name: str, channel: str, territory: Territory, **values) -> Customer:
    """The customer of that name, created through the service the first time."""
    customer = Customer.objects.filter(name=name).first()
    if customer is None:
        customer = services.create_customer(
            by=by, name=name, channel=channel, territory=territory, allow_duplicate=True, **values
        )
    return customer


def _demand(rng: random.Random) -> Decimal | None:
    roll = rng.random()
    if roll < 0.1:
        return None
    if roll < 0.4:  # large: 50,000 and more (a few exactly on the threshold)
        return Decimal(rng.choice([50000, 60000, 80000, 120000, 250000]))
    return Decimal(rng.randrange(3000, 49000, 500))


def _order_date(rng: random.Random, today):
    roll = rng.random()
    if roll < 0.25:
        return None
    if roll < 0.6:  # within half a month (exactly 15 days included)
        return today + timedelta(days=rng.choice([2, 5, 9, 15]))
    return today + timedelta(days=rng.randrange(16, 150))


def _prospect(rng: random.Random, index: int, city: Territory, today) -> dict:
    channel = rng.choices([c for c, _w in CHANNELS], weights=[w for _c, w in CHANNELS])[0]
    dealer = channel == Channel.DEALER
    return {
        "name": f"{city.name_zh[:2]}{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司{index:03d}",
        "channel": channel,
        "territory": city,
        "address": f"{city.name_zh}工业园区{rng.randrange(1, 300)}号",
        "phone": f"0{rng.randrange(200, 999)}-{rng.randrange(60000000, 89999999)}",
        "latitude": city.latitude,
        "longitude": city.longitude,
        "estimated_monthly_demand": _demand(rng),
        "expected_order_date": _order_date(rng, today),
        "current_supplier": rng.choice(["", *COMPETITORS]),
        "source": rng.choice(Source.values),
        "credit_tier": rng.choice(CreditTier.values) if dealer else "",
        "contacts": [
            {
                "name": rng.choice(SURNAMES) + rng.choice(["经理", "工", "总", "先生", "女士"]),
                "position": rng.choice(POSITIONS),
                "phone": f"1{rng.choice('3589')}{rng.randrange(100000000, 999999999)}",
            }
        ],
    }


# The first customers of every book are set so that each seller's queue shows something:
# an A whose follow-up falls due today, a B overdue since last week, a C and a D.
FIXED_FIRST = [
    (Decimal("80000"), 5, 2),  # large, order in 5 days, contacted 2 days ago: A, due today
    (Decimal("20000"), 9, 6),  # small, order in 9 days, contacted 6 days ago: B, overdue
    (Decimal("120000"), None, 10),  # large, no order date: C, due in 20 days
    (Decimal("8000"), None, 3),  # small, no order date: D, no follow-up
]


def _last_contact_days(rng: random.Random) -> int | None:
    if rng.random() < 0.15:
        return None
    return rng.randrange(0, 45)


def _book(person: User, size: int, rng: random.Random, start_index: int) -> int:
    today = timezone.localdate()
    cities = _cities(person.username)
    for number in range(size):
        index = start_index + number
        values = _prospect(rng, index, cities[number % len(cities)], today)
        days_ago = _last_contact_days(rng)
        if number < len(FIXED_FIRST):
            demand, order_in, days_ago = FIXED_FIRST[number]
            values["estimated_monthly_demand"] = demand
            values["expected_order_date"] = (
                today + timedelta(days=order_in) if order_in is not None else None
            )
            if values["channel"] == Channel.DEALER:
                values["channel"], values["credit_tier"] = Channel.TERMINAL_MEDIUM, ""
        customer = services.create_customer(by=person, allow_duplicate=True, **values)
        if days_ago is not None:
            contacted_at = demo_day_at(today - timedelta(days=days_ago), 10 + number % 7)
            services.record_contact(customer=customer, contacted_at=contacted_at, by=person)
        if rng.random() < 0.2:
            services.record_competitor_observation(
                competitor_name=rng.choice(COMPETITORS),
                territory=customer.territory,
                customer=customer,
                observed_on=today - timedelta(days=rng.randrange(0, 60)),
                by=person,
                price=f"{rng.randrange(18, 45)}元/kg",
                payment_terms=rng.choice(["现款", "月结30天", "月结60天"]),
                strengths=rng.choice(["品牌知名", "价格低", "交货快"]),
                weaknesses=rng.choice(["服务慢", "价格高", "质量不稳定"]),
            )
    return size


# requester → owner of the customer asked for, and whether the manager already said yes
CROSS_REQUESTS = [
    ("zhang.wei", "li.ming", "客户在南京设有分厂，由我就近服务", "pending"),
    ("liu.yang", "chen.jing", "客户采购部迁至济南，已约好下周拜访", "approved"),
    ("lin.xiaoyan", "huang.zhiqiang", "客户东莞工厂的采购由我对接", "pending"),
]


def _cross_territory_requests(people: dict[str, User]) -> int:
    made = 0
    for requester, owner, reason, decision in CROSS_REQUESTS:
        customer = Customer.objects.filter(owner=people[owner]).order_by("pk")[len(FIXED_FIRST)]
        request = territory_services.request_cross_territory(
            customer=customer, by=people[requester], reason=reason
        )
        if decision != "pending":
            manager = next(
                p
                for p in people.values()
                if access.is_manager(p)
                and p.regions.filter(pk=customer.territory.region_id).exists()
            )
            territory_services.decide_cross_territory(
                request=request, by=manager, approve=True, comment="同意，注意与原负责人沟通"
            )
        made += 1
    return made


@transaction.atomic
def seed(out) -> None:
    people = {user.username: user for user in User.objects.filter(username__in=BOOK_SIZES)}
    if Customer.objects.filter(owner__in=people.values()).exists():
        out.write("  customers already there")
        return
    rng = random.Random(20260315)  # noqa: S311 - demo data, reproducible
    index = 0
    with classification_batched():
        for username, size in BOOK_SIZES.items():
            index += _book(people[username], size, rng, index + 1)
    requests = _cross_territory_requests(people)
    changed = Customer.objects.exclude(customer_class="").count()
    pending = CrossTerritoryRequest.objects.filter(
        status=CrossTerritoryRequest.Status.PENDING
    ).count()
    out.write(
        f"  {index} prospects and customers in both regions, {changed} classified:"
        f" {services_class_counts()}; {requests} cross-territory requests ({pending} pending)"
    )


def services_class_counts() -> dict[str, int]:
    from customers.selectors import class_counts

    return class_counts(Customer.objects.all())
