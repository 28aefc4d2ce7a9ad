"""Demo sales and quotas in both regions over the demo's twelve months (rules.md §7.4 plan).

East China: 4 salespeople at 375,000 a month (75,000 store + 300,000 terminal), 4 dealers at
80,000 a month worked by the manager, 3 direct stores and 16 terminal customers; South China:
林晓燕 at 300,000 a month and 2 dealers worked by her manager. Sales are shaped so that every
flag shows up: 李明 is usually first to target (bonus), 刘洋 starts slowly (extend probation,
then dismissal review, and a first month with no gross profit), 陈静 stays just under
(dismissal review), and shortfalls carry over (rules.md §7.5).

Replayed through the services: the sales director sets the year's quota grid before its first
month (`save_quota_grid`), head office imports the order export (`import_sales`), and the
months are scored. The current month holds the sales booked so far. Idempotent: it does nothing
once the demo's sales are there.
"""

import calendar
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers import classification
from customers.demo import classification_batched, demo_customer, replay_class_history
from customers.models import Channel, Customer
from sales.models import Quota, QuotaChannel, Sale
from sales.services.quotas import save_quota_grid
from sales.services.sales import import_sales
from sales.services.scoring import score_months
from salesops.models import User
from territories.demo import acting_at, demo_months
from territories.models import Assignment, Region

# Monthly sales (thousands of CNY) per seller over the twelve months, the current one last (it
# is booked pro rata of the days gone).
MONTHLY_SALES = {
    "li.ming": [410, 420, 400, 390, 450, 380, 410, 430, 395, 440, 420, 430],
    "zhang.wei": [360, 400, 380, 330, 440, 375, 390, 360, 410, 350, 400, 380],
    "liu.yang": [220, 250, 300, 330, 360, 390, 340, 370, 380, 360, 390, 370],
    "chen.jing": [340, 330, 350, 370, 360, 380, 350, 365, 360, 370, 355, 360],
    "lin.xiaoyan": [280, 300, 320, 290, 310, 330, 300, 280, 320, 310, 300, 320],
}
REGIONS = {
    "east-china": ["li.ming", "zhang.wei", "liu.yang", "chen.jing"],
    "south-china": ["lin.xiaoyan"],
}
QUOTAS = {  # thousands a month: (direct store, terminal)
    "east-china": (75, 300),
    "south-china": (60, 240),
}
STORES = {
    "li.ming": "杭州直营店",
    "zhang.wei": "南京直营店",
    "chen.jing": "成都直营店",
    "lin.xiaoyan": "深圳直营店",
}
TERMINALS = {
    "li.ming": ["杭州万达包装有限公司", "宁波东港家具制造", "温州明光鞋业", "绍兴纺织印染厂"],
    "zhang.wei": ["南京金陵木业", "合肥华强电子", "苏州精工汽配", "无锡太湖包装"],
    "liu.yang": ["青岛海润家居", "武汉长江纸品", "济南泉城鞋材", "宜昌三峡装饰"],
    "chen.jing": ["成都天府家具", "重庆山城汽配", "绵阳长虹包装", "德阳重装配套"],
    "lin.xiaoyan": ["深圳华强电子材料", "佛山顺德家具厂", "东莞长安鞋业", "深圳宝安包装"],
}
# manager → dealers they work, at 80,000 a month each
DEALERS = {
    "wang.jianguo": [
        "宁波恒力胶粘经销部",
        "苏州华瑞建材经销",
        "济南鲁信化工经销",
        "重庆渝通胶业经销",
    ],
    "huang.zhiqiang": ["广州穗丰胶业经销", "广州白云建材经销"],
}
DEALER_MONTHLY = Decimal("80000")
MANAGER_REGION = {"wang.jianguo": "east-china", "huang.zhiqiang": "south-china"}


def local(day: date, hour: int) -> datetime:
    """A sale's moment: that day at the hour, or a little before now for today's."""
    moment = timezone.make_aware(datetime.combine(day, time(hour, 15)))
    return min(moment, timezone.now() - timedelta(minutes=10))


def _home_city(person: User):
    assignment = Assignment.objects.active().filter(salesperson=person).select_related("territory")
    territory = assignment.order_by("territory__code").first().territory
    return territory.children.order_by("code").first() or territory


def _share_of_month(month: date) -> tuple[Decimal, int]:
    """How much of the month has gone (1 for a past month) and the last day to book on."""
    today = timezone.localdate()
    days = calendar.monthrange(month.year, month.month)[1]
    if month.year == today.year and month.month == today.month:
        return Decimal(today.day) / days, today.day
    return Decimal(1), days


def _customers(people: dict[str, User]) -> dict[str, list]:
    """Every seller's terminal customers and store, and the managers' dealers (by the service)."""
    named = {}
    for username, names in TERMINALS.items():
        person, city = people[username], _home_city(people[username])
        named[username] = [
            demo_customer(by=person, name=name, channel=Channel.TERMINAL_MEDIUM, territory=city)
            for name in names
        ]
        if username in STORES:
            named[username].append(
                demo_customer(
                    by=person, name=STORES[username], channel=Channel.DIRECT_STORE, territory=city
                )
            )
    for username, names in DEALERS.items():
        person, city = people[username], _home_city(people[username])
        named[username] = [
            demo_customer(
                by=person, name=name, channel=Channel.DEALER, territory=city, credit_tier="A"
            )
            for name in names
        ]
    return named


def _quota_grids(people, director, named, months: list[date]) -> int:
    """The director sets the year's grid the day before its first month (open months only)."""
    saved = 0
    with acting_at(timezone.make_aware(datetime.combine(months[0] - timedelta(days=1), time(10)))):
        for code, usernames in REGIONS.items():
            region = Region.objects.get(code=code)
            store, terminal = (Decimal(k * 1000) for k in QUOTAS[code])
            manager = next(m for m, r in MANAGER_REGION.items() if r == code)
            dealers = named[manager]
            cells = {}
            for month in months:
                for username in usernames:
                    cells[(people[username].pk, month, QuotaChannel.DIRECT_STORE)] = store
                    cells[(people[username].pk, month, QuotaChannel.TERMINAL)] = terminal
                cells[(people[manager].pk, month, QuotaChannel.DEALER)] = DEALER_MONTHLY * len(
                    dealers
                )
            region_total = (store + terminal) * len(usernames) + DEALER_MONTHLY * len(dealers)
            saved += save_quota_grid(
                by=director,
                region=region,
                cells=cells,
                dealer_targets={(d.pk, m): DEALER_MONTHLY for d in dealers for m in months},
                region_totals=dict.fromkeys(months, region_total),
            )
    return saved


def _sales_rows(username: str, customers, months: list[date], rng: random.Random) -> list[dict]:
    rows = []
    for index, (month, thousands) in enumerate(zip(months, MONTHLY_SALES[username], strict=True)):
        share, last_bookable = _share_of_month(month)
        total = (Decimal(thousands * 1000) * share).quantize(Decimal("0.01"))
        shares = [rng.randint(5, 12) for _ in range(8)]
        # 李明 books early in the month, so his target is usually crossed first.
        last_day = min(18 if username == "li.ming" else 27, last_bookable)
        days = sorted(rng.randint(1, last_day) for _ in shares)
        booked = Decimal(0)
        for line, (part, day) in enumerate(zip(shares, days, strict=True), start=1):
            amount = (total * part / sum(shares)).quantize(Decimal("0.01"))
            if line == len(shares):
                amount = total - booked
            booked += amount
            no_profit = username == "liu.yang" and index == 0  # launch prices: no margin
            rows.append(
                {
                    "order_number": f"DEMO-{month:%Y%m}-{username}",
                    "line": str(line),
                    "date": local(month.replace(day=day), 9 + line).isoformat(),
                    "customer": customers[line % len(customers)].name,
                    "salesperson": username,
                    "amount": str(amount),
                    "gross_profit": "0"
                    if no_profit
                    else str((amount * Decimal("0.26")).quantize(Decimal("0.01"))),
                }
            )
    return rows


def _dealer_rows(username: str, dealers, months: list[date]) -> list[dict]:
    rows = []
    for month in months:
        share, last_bookable = _share_of_month(month)
        for line, dealer in enumerate(dealers, start=1):
            full = DEALER_MONTHLY + 4000 * ((line + month.month) % 3 - 1)
            amount = (full * share).quantize(Decimal("0.01"))
            rows.append(
                {
                    "order_number": f"DEMO-{month:%Y%m}-{username}-dealers",
                    "line": str(line),
                    "date": local(month.replace(day=min(20 + line, last_bookable)), 14).isoformat(),
                    "customer": dealer.name,
                    "salesperson": username,
                    "amount": str(amount),
                    "gross_profit": str((amount * Decimal("0.18")).quantize(Decimal("0.01"))),
                }
            )
    return rows


def seed(out) -> None:
    usernames = [*MONTHLY_SALES, *DEALERS, "zhao.lixin", "sun.lihua"]
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    if len(people) < len(usernames):
        out.write("  demo people missing: no sales demo")
        return
    if Sale.objects.filter(order_number__startswith="DEMO-").exists():
        out.write("  sales already there")
        return
    months = demo_months()
    with transaction.atomic(), classification_batched():
        named = _customers(people)
        cells = _quota_grids(people, people["zhao.lixin"], named, months)
        rng = random.Random(20260701)  # noqa: S311 - a fixed demo spread, not security
        rows = [
            row
            for username in MONTHLY_SALES
            for row in _sales_rows(username, named[username], months, rng)
        ]
        for username in DEALERS:
            rows += _dealer_rows(username, named[username], months)
        result = import_sales(rows=rows, by=people["sun.lihua"], file_name="demo-order-export.csv")
    written = score_months(first_month=months[0], last_month=months[-1])
    # The year's class history the nightly classification would have kept from these sales,
    # then the nightly job run now: sales changed the customers' demand (rules.md §4.4, §4.5).
    history = replay_class_history(months)
    classification.reclassify(Customer.objects.all())
    out.write(
        f"  quotas {months[0]:%Y-%m}–{months[-1]:%Y-%m} ({cells} cells, {Quota.objects.count()}"
        f" quotas); {result.created} sale lines; {written} attainment rows;"
        f" {history} class changes over the past months"
    )
