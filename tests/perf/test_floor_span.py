"""The attainment floor's months are the months the job scores (P4's equality)."""

from datetime import date

import pytest

from tests.perf import measure


@pytest.mark.parametrize(
    ("now", "last", "floor_last"),
    [
        # The current month later in the last month's half-year: scored, its target carried.
        (date(2026, 12, 1), date(2026, 11, 1), date(2026, 12, 1)),
        # A later half-year than the data's: the data's half-year is scored to its end.
        (date(2027, 3, 1), date(2026, 11, 1), date(2026, 12, 1)),
        # The data's last month ends its half-year: nothing past it.
        (date(2026, 12, 1), date(2026, 6, 1), date(2026, 6, 1)),
        # The data's last month is the current one.
        (date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 1)),
    ],
)
def test_the_floor_runs_to_the_last_month_the_job_scores(monkeypatch, now, last, floor_last):
    monkeypatch.setattr(measure, "current_month", lambda: now)

    span = measure._attainment_span(date(2024, 2, 1), last)

    assert span == {"first": date(2024, 1, 1), "last": floor_last}
