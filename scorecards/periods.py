"""Scorecard periods (rules.md §7.3, §7.6, §10): a month, a quarter or the half-year of the quota
grid, named in URLs as 2026-11, 2026-Q4 or 2026-H2. Bounds are local (rules.md §0.2)."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _

from salesops.months import add_months, current_month, local_midnight, months_between

MONTH, QUARTER, HALF = "month", "quarter", "half"
_LENGTH = {MONTH: 1, QUARTER: 3, HALF: 6}
_PATTERN = re.compile(r"^(?P<year>\d{4})-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])|H(?P<half>[12]))$")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  # first day of the first month

    @property
    def months(self) -> list[date]:
        return months_between(self.start, self.last_month)

    @property
    def last_month(self) -> date:
        return add_months(self.start, _LENGTH[self.kind] - 1)

    @property
    def end(self) -> date:  # the first day after the period
        return add_months(self.start, _LENGTH[self.kind])

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.start)

    @property
    def ends_at(self) -> datetime:
        return local_midnight(self.end)

    @property
    def key(self) -> str:
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == HALF:
            return f"{self.start.year}-H{1 if self.start.month <= 6 else 2}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return self.key
        if self.kind == QUARTER:
            return _("%(year)s quarter %(number)s") % {
                "year": self.start.year,
                "number": (self.start.month - 1) // 3 + 1,
            }
        return _("%(year)s half-year %(number)s") % {
            "year": self.start.year,
            "number": 1 if self.start.month <= 6 else 2,
        }

    def shifted(self, count: int) -> "Period":
        return Period(self.kind, add_months(self.start, count * _LENGTH[self.kind]))

    def of_kind(self, kind: str) -> "Period":
        """The period of `kind` holding this one's first month."""
        length = _LENGTH[kind]
        first = (self.start.month - 1) // length * length + 1
        return Period(kind, date(self.start.year, first, 1))


def parse_period(value: str | None) -> Period:
    """The period named by `?period=`, else the current month; a malformed name is a 404."""
    if not value:
        return Period(MONTH, current_month())
    match = _PATTERN.match(value)
    if match is None:
        raise Http404
    year = int(match["year"])
    if match["quarter"]:
        return Period(QUARTER, date(year, (int(match["quarter"]) - 1) * 3 + 1, 1))
    if match["half"]:
        return Period(HALF, date(year, 1 if match["half"] == "1" else 7, 1))
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise Http404
    return Period(MONTH, date(year, month, 1))
