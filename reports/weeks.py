"""The weekly report's calendar (rules.md §0.2, §9.1, §9.7): weeks run Monday to Sunday in the
company's time zone; the report is due Saturday 12:00 local time."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from visits.selectors import week_bounds
from visits.services import week_start

__all__ = ["current_week", "deadline", "is_late", "missing_from", "week_bounds", "week_start"]

DEADLINE_WEEKDAY_OFFSET = 5  # Saturday
DEADLINE_TIME = time(12, 0)


def current_week(now: datetime | None = None) -> date:
    return week_start(timezone.localdate(now))


def deadline(monday: date) -> datetime:
    """Saturday 12:00 of the week, local time (rules.md §9.1)."""
    day = monday + timedelta(days=DEADLINE_WEEKDAY_OFFSET)
    return timezone.make_aware(datetime.combine(day, DEADLINE_TIME))


def is_late(monday: date, submitted_at: datetime) -> bool:
    """rules.md §9.7: 11:59:59 is on time; 12:00:00 and later is late."""
    return submitted_at >= deadline(monday)


def missing_from(monday: date) -> datetime:
    """rules.md §9.7: a week with no submitted report by the next Monday 00:00 is missing."""
    return week_bounds(monday)[1]
