"""What the app drafts for a report from the data: the weekly report from the week's visits and
sales (rules.md §9.1), the manager's team summary (§9.3) and the monthly work report (§9.4).

The result is plain JSON (strings and numbers), so the same structure is shown live while the
report is a draft and stored as the report's snapshot at submission (rules.md §9.8)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from customers.models import Channel
from expenses.models import ExpenseClaim
from reports.compliance import compliance, counts_by_state
from reports.models import WeeklyReport
from reports.weeks import week_bounds, week_start
from sales.models import Attainment, Quota, QuotaChannel, Sale
from salesops.access import sellers_q
from salesops.models import User
from salesops.months import add_months, local_midnight
from visits.models import TripPlan, Visit

# A sale's customer channel counts towards this quota channel (rules.md §7.3).
QUOTA_CHANNEL_OF = {
    Channel.TERMINAL_LARGE: QuotaChannel.TERMINAL,
    Channel.TERMINAL_MEDIUM: QuotaChannel.TERMINAL,
    Channel.TERMINAL_SMALL: QuotaChannel.TERMINAL,
    Channel.DEALER: QuotaChannel.DEALER,
    Channel.DIRECT_STORE: QuotaChannel.DIRECT_STORE,
}
COMPETITOR_FIELDS = [
    "price",
    "quality",
    "payment_terms",
    "after_sales",
    "strengths",
    "weaknesses",
]


def _money(value: Decimal | None) -> str:
    return str((value or Decimal("0")).quantize(Decimal("0.01")))


def _percent(done: Decimal, target: Decimal) -> str | None:
    if not target:
        return None
    return str((done * 100 / target).quantize(Decimal("0.1")))


def _visits(salesperson: User, monday: date) -> list[dict]:
    start, end = week_bounds(monday)
    visits = (
        Visit.objects.filter(salesperson=salesperson, visited_at__gte=start, visited_at__lt=end)
        .select_related("customer")
        .prefetch_related("competitor_observations__competitor")
        .order_by("visited_at", "id")
    )
    return [
        {
            "id": visit.pk,
            "visited_at": visit.visited_at.isoformat(),
            "customer": visit.customer.name,
            "kind": visit.kind,
            "person_met": visit.person_met,
            "person_position": visit.person_position,
            "discussion": visit.discussion,
            "result": visit.result,
            "competitors": [
                {"brand": note.competitor.name}
                | {field: getattr(note, field) for field in COMPETITOR_FIELDS}
                for note in visit.competitor_observations.all()
            ],
        }
        for visit in visits
    ]


def _sales(salesperson: User, monday: date) -> dict:
    start, end = week_bounds(monday)
    # Month to date: the month the week ends in, up to the week's end.
    month = (monday + timedelta(days=6)).replace(day=1)
    week_total = Sale.objects.filter(
        salesperson=salesperson, sold_at__gte=start, sold_at__lt=end
    ).aggregate(total=Sum("amount"))["total"]
    month_sales = (
        Sale.objects.filter(salesperson=salesperson, month=month, sold_at__lt=end)
        .values("channel")
        .annotate(total=Sum("amount"))
    )
    done = {channel: Decimal("0") for channel in QuotaChannel.values}
    for row in month_sales:
        done[QUOTA_CHANNEL_OF.get(row["channel"], QuotaChannel.TERMINAL)] += row["total"]
    quotas = {
        row["channel"]: row["total"]
        for row in Quota.objects.filter(salesperson=salesperson, month=month)
        .values("channel")
        .annotate(total=Sum("amount"))
    }
    target = sum(quotas.values(), Decimal("0"))
    month_total = sum(done.values(), Decimal("0"))
    return {
        "week_total": _money(week_total),
        "month": month.isoformat(),
        "month_to_date": _money(month_total),
        "month_target": _money(target),
        "month_attainment": _percent(month_total, target),
        "channels": [
            {
                "channel": channel,
                "sales": _money(done[channel]),
                "target": _money(quotas.get(channel)),
                "attainment": _percent(done[channel], quotas.get(channel) or Decimal("0")),
            }
            for channel in QuotaChannel.values
        ],
    }


def week_draft(salesperson: User, monday: date) -> dict:
    return {"visits": _visits(salesperson, monday), "sales": _sales(salesperson, monday)}


# --- the manager's weekly team summary (rules.md §9.3) ----------------------------------------


def region_sellers(region) -> QuerySet[User]:
    """Who reports to the region's summary: its active sellers, the manager included (§1.2)."""
    return User.objects.filter(sellers_q(), is_active=True, regions=region).order_by("username")


def _targets(person_ids: list[int], month: date) -> dict[int, dict]:
    """Each person's quota, carry-over and target for the month (rules.md §7.5), from the
    scored month where there is one; before scoring, the quota alone with no carry-over."""
    quotas = dict(
        Quota.objects.filter(salesperson__in=person_ids, month=month)
        .values("salesperson")
        .annotate(total=Sum("amount"))
        .values_list("salesperson", "total")
    )
    targets = {
        pk: {"quota": quotas.get(pk), "carried_over": None, "target": quotas.get(pk)}
        for pk in person_ids
    }
    for row in Attainment.objects.filter(salesperson__in=person_ids, month=month):
        targets[row.salesperson_id] = {
            "quota": row.quota,
            "carried_over": row.carried_over,
            "target": row.target,
        }
    return targets


def _per_person(queryset: QuerySet, value) -> dict[int, Decimal | int]:
    return dict(
        queryset.values("salesperson").annotate(value=value).values_list("salesperson", "value")
    )


def _submitted_notes(person_ids: list[int], monday: date) -> list[dict]:
    reports = (
        WeeklyReport.objects.filter(
            salesperson__in=person_ids,
            week_start=monday,
            status=WeeklyReport.Status.SUBMITTED,
        )
        .select_related("salesperson")
        .order_by("salesperson__username")
    )
    return [
        {
            "person": str(report.salesperson),
            "next_week_plan": report.next_week_plan,
            "forecast": report.forecast,
            "difficulties": report.difficulties,
        }
        for report in reports
    ]


def summary_draft(region, monday: date, *, now: datetime | None = None) -> dict:
    """The team's week for the manager's summary: per seller the weekly report's state, visits,
    sales this week and month to date against target, then the team's totals and what each
    submitted report said of next week, the forecast and difficulties."""
    start, end = week_bounds(monday)
    month = (monday + timedelta(days=6)).replace(day=1)
    people = list(region_sellers(region))
    ids = [person.pk for person in people]
    visits = _per_person(
        Visit.objects.filter(salesperson__in=ids, visited_at__gte=start, visited_at__lt=end),
        Count("pk"),
    )
    week_sales = _per_person(
        Sale.objects.filter(salesperson__in=ids, sold_at__gte=start, sold_at__lt=end),
        Sum("amount"),
    )
    month_sales = _per_person(
        Sale.objects.filter(salesperson__in=ids, month=month, sold_at__lt=end), Sum("amount")
    )
    targets = _targets(ids, month)
    states = {row.salesperson.pk: row.state for row in compliance(people, monday, now=now)}
    team = []
    for person in people:
        target = targets[person.pk]["target"] or Decimal("0")
        done = month_sales.get(person.pk) or Decimal("0")
        team.append(
            {
                "person": str(person),
                "report": states[person.pk],
                "visits": visits.get(person.pk, 0),
                "week_sales": _money(week_sales.get(person.pk)),
                "month_to_date": _money(done),
                "month_target": _money(target),
                "attainment": _percent(done, target),
            }
        )
    total_done = sum((Decimal(row["month_to_date"]) for row in team), Decimal("0"))
    total_target = sum((Decimal(row["month_target"]) for row in team), Decimal("0"))
    return {
        "month": month.isoformat(),
        "team": team,
        "totals": {
            "visits": sum(row["visits"] for row in team),
            "week_sales": _money(sum((Decimal(r["week_sales"]) for r in team), Decimal("0"))),
            "month_to_date": _money(total_done),
            "month_target": _money(total_target),
            "attainment": _percent(total_done, total_target),
        },
        "notes": _submitted_notes(ids, monday),
    }


# --- the monthly work report (rules.md §9.4) --------------------------------------------------


def month_bounds(month: date) -> tuple[datetime, datetime]:
    return local_midnight(month), local_midnight(add_months(month, 1))


def _month_sales(salesperson: User, month: date) -> dict:
    sales = Sale.objects.filter(salesperson=salesperson, month=month)
    totals = sales.aggregate(amount=Sum("amount"), profit=Sum("gross_profit"))
    done = {channel: Decimal("0") for channel in QuotaChannel.values}
    for row in sales.values("channel").annotate(total=Sum("amount")):
        done[QUOTA_CHANNEL_OF.get(row["channel"], QuotaChannel.TERMINAL)] += row["total"]
    quotas = dict(
        Quota.objects.filter(salesperson=salesperson, month=month)
        .values("channel")
        .annotate(total=Sum("amount"))
        .values_list("channel", "total")
    )
    target = _targets([salesperson.pk], month)[salesperson.pk]
    amount = totals["amount"] or Decimal("0")
    return {
        "total": _money(amount),
        "gross_profit": _money(totals["profit"]),
        "quota": _money(target["quota"]),
        "carried_over": None if target["carried_over"] is None else _money(target["carried_over"]),
        "target": _money(target["target"]),
        "attainment": _percent(amount, target["target"] or Decimal("0")),
        "channels": [
            {
                "channel": channel,
                "sales": _money(done[channel]),
                "target": _money(quotas.get(channel)),
                "attainment": _percent(done[channel], quotas.get(channel) or Decimal("0")),
            }
            for channel in QuotaChannel.values
        ],
    }


def _new_customers(salesperson: User, month: date) -> list[dict]:
    """Customers whose first sale ever fell in the month and was this person's (§3.1, §10.2)."""
    earlier = Sale.objects.filter(customer=OuterRef("customer"), month__lt=month)
    rows = (
        Sale.objects.filter(salesperson=salesperson, month=month)
        .exclude(Exists(earlier))
        .values("customer__channel")
        .annotate(count=Count("customer", distinct=True))
        .order_by("customer__channel")
    )
    return [{"channel": row["customer__channel"], "count": row["count"]} for row in rows]


def _month_visits(salesperson: User, month: date) -> dict:
    start, end = month_bounds(month)
    visits = Visit.objects.filter(
        salesperson=salesperson, visited_at__gte=start, visited_at__lt=end
    )
    kinds = dict(visits.values("kind").annotate(count=Count("pk")).values_list("kind", "count"))
    totals = visits.aggregate(
        customers=Count("customer", distinct=True),
        late=Count("pk", filter=Q(is_late_entry=True)),
    )
    return {
        "total": sum(kinds.values()),
        "customers": totals["customers"],
        "late_entries": totals["late"],
        "kinds": [{"kind": kind, "count": kinds.get(kind, 0)} for kind in Visit.Kind.values],
    }


def _month_expenses(salesperson: User, month: date) -> dict | None:
    claim = (
        ExpenseClaim.objects.filter(salesperson=salesperson, month=month)
        .annotate(total=Sum("items__amount"))
        .first()
    )
    if claim is None:
        return None
    return {"status": claim.status, "total": _money(claim.total), "claim": claim.pk}


def _weekly_reports(salesperson: User, month: date, now: datetime | None) -> dict:
    """The month's weekly reports (the weeks starting in it, up to this one), by compliance."""
    first = week_start(month)
    this_week = week_start(timezone.localdate(now))
    mondays = [first + timedelta(days=7 * n) for n in range(6)]
    mondays = [
        day
        for day in mondays
        if (day.year, day.month) == (month.year, month.month) and day <= this_week
    ]
    return counts_by_state(compliance([salesperson], mondays, now=now))


def _next_month_plans(salesperson: User, month: date) -> list[dict]:
    following = add_months(month, 1)
    plans = (
        TripPlan.objects.filter(
            salesperson=salesperson,
            starts_on__lt=add_months(following, 1),
            ends_on__gte=following,
        )
        .exclude(status=TripPlan.Status.REJECTED)
        .order_by("starts_on", "pk")
    )
    return [
        {
            "id": plan.pk,
            "title": plan.title,
            "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
            "status": plan.status,
        }
        for plan in plans
    ]


def month_draft(salesperson: User, month: date, *, now: datetime | None = None) -> dict:
    """The month's results for the monthly work report (rules.md §9.4): sales against quota
    with carry-over, new customers by kind, visits, the expense claim and the weekly reports,
    then next month's trip plans."""
    return {
        "month": month.isoformat(),
        "sales": _month_sales(salesperson, month),
        "new_customers": _new_customers(salesperson, month),
        "visits": _month_visits(salesperson, month),
        "expenses": _month_expenses(salesperson, month),
        "weekly_reports": _weekly_reports(salesperson, month, now),
        "next_month_plans": _next_month_plans(salesperson, month),
    }
