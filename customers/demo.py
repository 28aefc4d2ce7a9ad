"""Demo book of business: a few hundred East China prospects and customers whose demand
estimates and order dates produce all four classes (rules.md §4.2), with contacts, follow-ups that
are due and overdue, dealers with credit tiers and the competitors seen.

Idempotent: once East China has customers, it adds nothing.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers import classification, services
from customers.models import Channel, CreditTier, Customer, Source
from territories.demo import PEOPLE
from territories.models import Region, Territory

PER_SALESPERSON = 70
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
    provinces = next(held for name, _n, _r, _regions, held in PEOPLE if name == username)
    if provinces == [None]:  # the manager holds the office city
        return [Region.objects.get(code="east-china").office_city]
    return list(Territory.objects.filter(parent__code__in=provinces, level=Territory.Level.CITY))


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


def _last_contact(rng: random.Random, now):
    if rng.random() < 0.15:
        return None
    return now - timedelta(days=rng.randrange(0, 45), hours=rng.randrange(0, 9))


@transaction.atomic
def seed(out) -> None:
    from salesops.models import User

    if Customer.objects.filter(territory__region__code="east-china").exists():
        out.write("  customers already there")
        return
    rng = random.Random(20260315)  # noqa: S311 - demo data, reproducible
    now, today = timezone.now(), timezone.localdate()
    sellers = ["li.ming", "zhang.wei", "liu.yang", "chen.jing", "wang.jianguo"]
    index = 0
    for username in sellers:
        person = User.objects.get(username=username)
        cities = _cities(username)
        for _ in range(PER_SALESPERSON if username != "wang.jianguo" else 20):
            index += 1
            values = _prospect(rng, index, rng.choice(cities), today)
            customer = services.create_customer(by=person, allow_duplicate=True, **values)
            last_contact = _last_contact(rng, now)
            if last_contact is not None:
                services.record_contact(customer=customer, contacted_at=last_contact, by=person)
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
    changed = classification.reclassify(Customer.objects.all())
    counts = services_class_counts()
    out.write(f"  {index} prospects and customers, {changed} classified: {counts}")


def services_class_counts() -> dict[str, int]:
    from customers.selectors import class_counts

    return class_counts(Customer.objects.all())
