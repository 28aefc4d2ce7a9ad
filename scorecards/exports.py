"""The scorecard table and the 80/20 list as CSV or XLSX, formula-safe through the customers'
export helpers (one small call each, easy to move to a streamed writer)."""

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.exporting import dataset
from customers.models import Channel
from salesops import access
from salesops.models import User
from scorecards.measures import NEW_CUSTOMER_KINDS, Scorecard
from territories.models import Territory

MAX_VALUE_ROWS = 100_000


def new_customer_labels() -> list[tuple[str, str]]:
    labels = dict(Channel.choices)
    return [(kind, labels[kind]) for kind in NEW_CUSTOMER_KINDS]


def scorecard_table(cards: list[Scorecard]) -> tablib.Dataset:
    """One row per person (the team's total last, named so), every figure as on the page."""
    headers = [
        _("Salesperson"),
        _("Period"),
        _("Sales (CNY)"),
        _("Quota (CNY)"),
        _("Carried over into the period (CNY)"),
        _("Target (CNY)"),
        _("Attainment %"),
        *[_("New: %(kind)s") % {"kind": label} for _kind, label in new_customer_labels()],
        _("New customers"),
        _("Travel cost (CNY)"),
        _("Gross profit (CNY)"),
        _("Travel cost ÷ gross profit"),
        _("Complaints"),
        _("Manager's rating"),
        _("Reports on time"),
        _("Reports due"),
        _("On-time rate %"),
        _("Visits"),
        _("Complete visit records"),
        _("Completeness %"),
    ]
    rows = (
        (
            str(card.person) if card.person else _("Team total"),
            card.period.key,
            card.attainment.sales,
            card.attainment.quota,
            card.attainment.carried_in,
            card.attainment.target,
            card.attainment.percent,
            *card.new_customer_counts(),
            card.new_customer_total,
            card.travel.cost,
            card.travel.gross_profit,
            card.travel.ratio,
            card.attitude.complaints,
            card.attitude.rating,
            card.reports.on_time,
            card.reports.weeks_due,
            card.reports.on_time_rate,
            card.reports.visits,
            card.reports.complete_visits,
            card.reports.completeness,
        )
        for card in cards
    )
    return dataset(headers, rows)


def value_territories(user: User) -> QuerySet[Territory]:
    """Provinces and cities the 80/20 page can be narrowed to."""
    return (
        access.visible_territories(user)
        .filter(level__in=[Territory.Level.PROVINCE, Territory.Level.CITY])
        .order_by("path")
    )


def _local(moment):
    return timezone.localtime(moment).date() if moment else None


def value_table(customers, analysis) -> tablib.Dataset:
    headers = [
        _("Rank"),
        _("Customer name"),
        _("Territory"),
        _("Class"),
        _("Gross profit, 12 months (CNY)"),
        _("Top 20%"),
        _("Visits, 12 months"),
        _("Visit cost, 12 months (CNY)"),
        _("Suggested hand-off to a dealer"),
        _("No order or contact alert"),
        _("Last order"),
        _("Last contact"),
    ]
    yes = _("yes")
    rows = (
        (
            customer.value_rank,
            customer.name,
            str(customer.territory),
            customer.customer_class,
            customer.gross_profit_12m,
            yes if customer.top_mark else "",
            customer.visits_12m,
            round(customer.visit_cost_12m, 2),
            yes if customer.handoff_mark else "",
            yes if customer.alert_mark else "",
            _local(customer.last_order_at),
            _local(customer.last_contacted_at),
        )
        for customer in customers[:MAX_VALUE_ROWS].iterator(chunk_size=2000)
    )
    return dataset(headers, rows)
