"""When each kind of report is due and when it counts as missing (rules.md §9.7, §9.9, §9.10),
in the company's time zone while the server runs UTC (§0.2).

A period is named by its first day: the Monday of a week, the 1st of a month."""

from datetime import date, datetime, timedelta

from reports import weeks
from salesops.months import add_months, local_midnight

WEEKLY = "weekly"
SUMMARY = "summary"
MONTHLY = "monthly"
KINDS = (WEEKLY, SUMMARY, MONTHLY)


def summary_deadline(monday: date) -> datetime:
    """rules.md §9.9: due before Sunday, so Sunday 00:00:00 local is already late."""
    return local_midnight(monday + timedelta(days=6))


def monthly_deadline(month: date) -> datetime:
    """rules.md §9.10: due on the month's last day, so 23:59:59 counts and the next month's
    1st 00:00:00 local is late."""
    return local_midnight(add_months(month, 1))


def deadline(kind: str, period: date) -> datetime:
    if kind == WEEKLY:
        return weeks.deadline(period)
    if kind == SUMMARY:
        return summary_deadline(period)
    return monthly_deadline(period)


def missing_from(kind: str, period: date) -> datetime:
    """When a period with no submitted report turns from open to missing: the next Monday
    00:00 for the weekly report and the summary (§9.7, §9.9), the next month's 2nd 00:00 for
    the monthly report (§9.10)."""
    if kind in (WEEKLY, SUMMARY):
        return weeks.missing_from(period)
    return local_midnight(add_months(period, 1) + timedelta(days=1))


def is_late(kind: str, period: date, submitted_at: datetime) -> bool:
    return submitted_at >= deadline(kind, period)
