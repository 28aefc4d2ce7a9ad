"""Months and working days in the company's time zone (brief: count days/months locally)."""

from datetime import date, datetime, timedelta

from django.utils import timezone

# rules.md §0.6: every date the app takes in (forms, imports, page parameters) lies in this
# window. Outside it a date is a typing slip (0001, 9999), and such a date would stop pages and
# scores that count months or days from it.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def in_date_window(day: date | datetime) -> bool:
    """True when the (local) calendar day lies in the window of rules.md §0.6."""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return EARLIEST_DATE <= day <= LATEST_DATE


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_of(moment: datetime) -> date:
    """The local month an aware moment belongs to (23:30 on the 31st local is still July)."""
    return month_start(timezone.localtime(moment).date())


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def half_year_of(month: date) -> date:
    """First month of the half-year (the assessment period of rules.md §7.6) holding `month`."""
    return date(month.year, 1 if month.month <= 6 else 7, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def current_month() -> date:
    return month_start(timezone.localdate())


def add_working_days(day: date, count: int) -> date:
    """`count` working days (Monday–Friday) after `day`."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def parse_month(value: str | None, default: date | None = None) -> date | None:
    """'2026-07' → date(2026, 7, 1); anything else, a month outside the window of rules.md
    §0.6 included, → default."""
    try:
        year, month = (int(part) for part in (value or "").split("-")[:2])
        parsed = date(year, month, 1)
    except ValueError:
        return default
    return parsed if in_date_window(parsed) else default


def parse_day(value: str | None, default: date | None = None) -> date | None:
    """'2026-07-31' → that day; anything else, a day outside the window of rules.md §0.6
    included, → default."""
    try:
        parsed = date.fromisoformat((value or "").strip())
    except ValueError:
        return default
    return parsed if in_date_window(parsed) else default
