"""What the app drafts for a weekly report from the week's visits and sales (rules.md §9.1).

The result is plain JSON (strings and numbers), so the same structure is shown live while the
report is a draft and stored as the report's snapshot at submission (rules.md §9.8)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from customers.models import Channel
from reports.weeks import week_bounds
from sales.models import Quota, QuotaChannel, Sale
from salesops.models import User
from visits.models import Visit

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
