"""Demo reports (rules.md §9): the past eight weeks' weekly reports of every seller — most on
time, some late, a few missing — with the managers' comments; the two regions' weekly team
summaries with the director's comments; and the last three months' monthly work reports.

Replayed through the services at the moments people acted (`territories.demo.acting_at`), so
the late marks and the snapshots are what they would have been. The weeks the visits demo
locked (the last four) all have a report; the missing ones are older. Deterministic, and
idempotent: it does nothing when the demo sellers already have weekly reports.
"""

from datetime import date, timedelta

from django.db import transaction

from reports import services, weeks
from reports.models import MonthlyReport, RegionSummary, WeeklyReport
from salesops.models import User
from salesops.months import add_months, current_month
from territories.demo import acting_at, demo_day_at
from visits.demo import MANAGERS, SELLERS

DIRECTOR = "zhao.lixin"
WEEKS_BACK = 8
MONTHS_BACK = 3
# (seller, weeks back) → how the week's report went; every other week is on time.
LATE_WEEKS = {("zhang.wei", 1), ("liu.yang", 2), ("lin.xiaoyan", 3), ("chen.jing", 6)}
MISSING_WEEKS = {("chen.jing", 5), ("liu.yang", 7), ("lin.xiaoyan", 8)}
LATE_SUMMARIES = {("huang.zhiqiang", 2)}
MISSING_SUMMARIES = {("wang.jianguo", 6)}
# (seller, months back)
LATE_MONTHS = {("zhang.wei", 1), ("huang.zhiqiang", 2)}
MISSING_MONTHS = {("liu.yang", 2), ("chen.jing", 3)}

PLANS = ["拜访宁波、绍兴重点客户", "跟进杭州两家试用客户的订单", "陪同技术员到嘉兴做现场演示"]
FORECASTS = ["预计下周回款 5 万元", "有一家客户可能下试单", "本月目标有望完成"]
DIFFICULTIES = ["", "竞争对手降价，客户要求我们跟进", "样品到货慢了三天", ""]
COMMENTS = ["收到，注意跟进试用客户。", "回款要抓紧。", "竞争对手信息很有用，继续收集。"]


def _weekly(person: User, manager: User, monday: date, back: int, n: int) -> None:
    late = (person.username, back) in LATE_WEEKS or (
        person.username in MANAGERS and back == 4
    )  # managers sell too, and are late too sometimes
    moment = demo_day_at(monday + timedelta(days=5 if late else 4), 15 if late else 17)
    with acting_at(moment):
        report = services.save_weekly_report(
            salesperson=person,
            week_start=monday,
            by=person,
            next_week_plan=PLANS[n % len(PLANS)],
            forecast=FORECASTS[n % len(FORECASTS)],
            difficulties=DIFFICULTIES[n % len(DIFFICULTIES)],
        )
        services.submit_weekly_report(report=report, by=person)
    if n % 3 == 0 and manager.pk != person.pk:
        with acting_at(demo_day_at(monday + timedelta(days=6), 10)):
            services.comment_on_report(report=report, by=manager, body=COMMENTS[n % 3])


def _summary(manager: User, director: User, monday: date, back: int) -> None:
    region = manager.regions.order_by("pk").first()
    late = (manager.username, back) in LATE_SUMMARIES
    moment = demo_day_at(monday + timedelta(days=6 if late else 5), 10 if late else 18)
    with acting_at(moment):
        summary = services.save_region_summary(
            region=region,
            week_start=monday,
            by=manager,
            team_review="本周团队拜访按计划完成，重点客户均已跟进。",
            problems="个别客户回款偏慢，已安排专人催收。",
            next_week_focus="推进试用客户转正式订单。",
        )
        services.submit_region_summary(summary=summary, by=manager)
    if back % 2:
        with acting_at(demo_day_at(monday + timedelta(days=7), 9)):
            services.comment_on_summary(summary=summary, by=director, body="已阅，注意回款。")


def _monthly(person: User, commenter: User, month: date, back: int) -> None:
    following = add_months(month, 1)
    if (person.username, back) in LATE_MONTHS:
        moment = demo_day_at(following, 10)  # the 1st: late (rules.md §9.10)
    else:
        moment = demo_day_at(following - timedelta(days=1), 17)
    with acting_at(moment):
        report = services.save_monthly_report(
            salesperson=person,
            month=month,
            by=person,
            review="本月按计划拜访客户，新开发客户两家。",
            next_month_plan="重点跟进大客户的年度采购计划。",
            support_needed="希望公司支持一批试用样品。",
        )
        services.submit_monthly_report(report=report, by=person)
    if back == 1:
        with acting_at(demo_day_at(following + timedelta(days=1), 11)):
            services.comment_on_monthly_report(report=report, by=commenter, body="数据清楚，继续。")


def _weekly_reports(people: dict[str, User]) -> None:
    this_week = weeks.current_week()
    for n, (username, manager_name) in enumerate([*SELLERS.items(), *[(m, m) for m in MANAGERS]]):
        person, manager = people[username], people[manager_name]
        for back in range(WEEKS_BACK, 0, -1):
            if (username, back) not in MISSING_WEEKS:
                _weekly(person, manager, this_week - timedelta(days=7 * back), back, n + back)


def _summaries(people: dict[str, User]) -> None:
    this_week = weeks.current_week()
    for manager_name in MANAGERS:
        for back in range(WEEKS_BACK, 0, -1):
            if (manager_name, back) not in MISSING_SUMMARIES:
                monday = this_week - timedelta(days=7 * back)
                _summary(people[manager_name], people[DIRECTOR], monday, back)


def _monthly_reports(people: dict[str, User]) -> None:
    for username, manager_name in [*SELLERS.items(), *[(m, DIRECTOR) for m in MANAGERS]]:
        for back in range(MONTHS_BACK, 0, -1):
            if (username, back) not in MISSING_MONTHS:
                month = add_months(current_month(), -back)
                _monthly(people[username], people[manager_name], month, back)


def seed(out) -> None:
    names = [*SELLERS, *MANAGERS, DIRECTOR]
    people = {user.username: user for user in User.objects.filter(username__in=names)}
    if len(people) < len(names):
        out.write("  skipped: the demo organisation is missing")
        return
    if WeeklyReport.objects.filter(salesperson__in=people.values()).exists():
        out.write("  reports already there")
        return
    with transaction.atomic():
        _weekly_reports(people)
        _summaries(people)
        _monthly_reports(people)
    out.write(
        f"  {WeeklyReport.objects.count()} weekly reports"
        f" ({WeeklyReport.objects.filter(is_late=True).count()} late),"
        f" {RegionSummary.objects.count()} team summaries,"
        f" {MonthlyReport.objects.count()} monthly work reports"
    )
