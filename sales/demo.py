"""Demo sales and quotas for East China (rules.md §7.4 plan, over the last closed half-year).

4 salespeople at 375,000 a month (75,000 store + 300,000 terminal), 4 dealers at 80,000 a
month, 3 direct stores and 16 terminal customers; sales shaped so that every flag shows up:
李明 is usually first to target (bonus), 刘洋 starts slowly (extend probation, then dismissal
review, and a first month with no gross profit), 陈静 stays just under (dismissal review).

Idempotent: sales go through the import (keyed by order number + line) and everything else is
keyed by what it is, so running it again changes nothing.
"""

import random
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.models import Channel, Customer
from sales.models import DealerTarget, Quota, QuotaChannel, RegionQuota
from sales.services.sales import import_sales
from sales.services.scoring import score_months
from salesops.models import User
from salesops.months import add_months, current_month, half_year_of
from territories.models import Assignment, Region

# Monthly sales (thousands of CNY) per salesperson over the six months; quota is 375 a month.
MONTHLY_SALES = {
    "li.ming": [420, 400, 390, 450, 380, 410],
    "zhang.wei": [360, 400, 380, 330, 440, 375],
    "liu.yang": [220, 250, 300, 330, 360, 390],
    "chen.jing": [340, 330, 350, 370, 360, 380],
}
STORES = {"li.ming": "杭州直营店", "zhang.wei": "南京直营店", "chen.jing": "成都直营店"}
DEALERS = ["宁波恒力胶粘经销部", "苏州华瑞建材经销", "济南鲁信化工经销", "重庆渝通胶业经销"]
TERMINALS = {
    "li.ming": ["杭州万达包装有限公司", "宁波东港家具制造", "温州明光鞋业", "绍兴纺织印染厂"],
    "zhang.wei": ["南京金陵木业", "合肥华强电子", "苏州精工汽配", "无锡太湖包装"],
    "liu.yang": ["青岛海润家居", "武汉长江纸品", "济南泉城鞋材", "宜昌三峡装饰"],
    "chen.jing": ["成都天府家具", "重庆山城汽配", "绵阳长虹包装", "德阳重装配套"],
}


def local(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 15)))


def _home_territory(person: User):
    assignment = Assignment.objects.active().filter(salesperson=person).select_related("territory")
    territory = assignment.first().territory
    return territory.children.order_by("code").first() or territory


def _customer(name: str, channel: str, person: User) -> Customer:
    customer, _ = Customer.objects.get_or_create(
        name=name,
        defaults={"channel": channel, "territory": _home_territory(person), "owner": person},
    )
    return customer


def _quotas(people: dict[str, User], region: Region, months: list[date]) -> None:
    # Closed months are history: the demo writes them directly (the grid refuses them).
    for person in people.values():
        for month in months:
            for channel, amount in (
                (QuotaChannel.DIRECT_STORE, 75000),
                (QuotaChannel.TERMINAL, 300000),
            ):
                Quota.objects.update_or_create(
                    salesperson=person,
                    month=month,
                    channel=channel,
                    defaults={"amount": Decimal(amount)},
                )
    for month in months:
        RegionQuota.objects.update_or_create(
            region=region, month=month, defaults={"amount": Decimal("1820000")}
        )


def _sales_rows(username: str, months: list[date], rng: random.Random) -> list[dict]:
    rows = []
    for index, (month, thousands) in enumerate(zip(months, MONTHLY_SALES[username], strict=True)):
        customers = TERMINALS[username] + ([STORES[username]] if username in STORES else [])
        shares = [rng.randint(5, 12) for _ in range(8)]
        # 李明 books early in the month, so his target is usually crossed first.
        last_day = 18 if username == "li.ming" else 27
        days = sorted(rng.randint(2, last_day) for _ in shares)
        for line, (share, day) in enumerate(zip(shares, days, strict=True), start=1):
            amount = Decimal(thousands * 1000 * share / sum(shares)).quantize(Decimal("0.01"))
            if line == len(shares):
                amount = Decimal(thousands * 1000) - sum(
                    Decimal(row["amount"]) for row in rows[-7:]
                )
            no_profit = username == "liu.yang" and index == 0  # launch prices: no margin
            rows.append(
                {
                    "order_number": f"DEMO-{month:%Y%m}-{username}",
                    "line": str(line),
                    "date": local(month.replace(day=day), 9 + line).isoformat(),
                    "customer": customers[line % len(customers)],
                    "salesperson": username,
                    "amount": str(amount),
                    "gross_profit": "0"
                    if no_profit
                    else str((amount * Decimal("0.26")).quantize(Decimal("0.01"))),
                }
            )
    return rows


def _dealer_rows(manager: User, months: list[date]) -> list[dict]:
    rows = []
    for month in months:
        for line, dealer in enumerate(DEALERS, start=1):
            amount = Decimal(80000 + 4000 * ((line + month.month) % 3 - 1))
            rows.append(
                {
                    "order_number": f"DEMO-{month:%Y%m}-dealers",
                    "line": str(line),
                    "date": local(month.replace(day=20 + line), 14).isoformat(),
                    "customer": dealer,
                    "salesperson": manager.username,
                    "amount": str(amount),
                    "gross_profit": str(amount * Decimal("0.18")),
                }
            )
    return rows


def seed(out) -> None:
    region = Region.objects.filter(code="east-china").first()
    people = {u.username: u for u in User.objects.filter(username__in=MONTHLY_SALES)}
    if region is None or len(people) < len(MONTHLY_SALES):
        out.write("  East China demo people missing: no sales demo")
        return
    manager = User.objects.get(username="wang.jianguo")
    head_office = User.objects.get(username="sun.lihua")
    period = half_year_of(add_months(current_month(), -6))
    months = [add_months(period, offset) for offset in range(6)]
    with transaction.atomic():
        for username, person in people.items():
            for name in TERMINALS[username]:
                _customer(name, Channel.TERMINAL_MEDIUM, person)
            if username in STORES:
                _customer(STORES[username], Channel.DIRECT_STORE, person)
        for dealer in DEALERS:
            customer = _customer(dealer, Channel.DEALER, manager)
            for month in months:
                DealerTarget.objects.get_or_create(
                    dealer=customer, month=month, defaults={"amount": Decimal("80000")}
                )
        _quotas(people, region, months)
        rng = random.Random(20260701)  # noqa: S311 - a fixed demo spread, not security
        rows = [row for username in MONTHLY_SALES for row in _sales_rows(username, months, rng)]
        rows += _dealer_rows(manager, months)
        result = import_sales(rows=rows, by=head_office, file_name="demo-order-export.csv")
    written = score_months(first_month=months[0], last_month=months[-1])
    out.write(
        f"  sales {months[0]:%Y-%m}–{months[-1]:%Y-%m}: {result.created} new lines, "
        f"{result.unchanged} unchanged; {written} attainment rows"
    )
