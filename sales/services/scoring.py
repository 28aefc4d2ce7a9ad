"""Scoring: the jobs that rebuild the rollup and recompute attainment (rules.md §7.5, §7.6),
for the nightly schedule and for the runs a manager starts (`scoring_runs`)."""

from datetime import date

from django.conf import settings
from django.utils import timezone

from sales import sales_rollup, scoring
from sales.models import ScoringRun
from salesops import ledger


def rebuild_and_score(*, first_month: date, last_month: date) -> int:
    """The nightly path: the rollup rebuilt from the sales (it must equal the incremental
    state), then the scores."""
    sales_rollup.rebuild_sales_rollup(first_month, last_month)
    return score_months(first_month=first_month, last_month=last_month)


def score_months(
    *,
    first_month: date,
    last_month: date,
    run_id: int | None = None,
    salespeople: list[int] | None = None,
) -> int:
    """Recompute the months from `first_month` on of every half-year the range touches, and the
    later half-years already scored (carry-over runs on across half-years, rules.md §7.5), in
    one pass over the history. Given `salespeople` (the people whose sales changed), only their
    scores are recomputed; the months' ranks, flags and bonuses still follow everyone's.

    The run's progress counts half-years; they are scored together, so the bar moves from none
    to all. A run the job ledger starts again (its worker died, or it failed) starts over.
    """
    runs = ScoringRun.objects.filter(pk=run_id)
    runs.update(status=ScoringRun.Status.RUNNING, done=0)
    try:
        periods = scoring.periods_to_score(first_month, last_month)
        people = set(salespeople) if salespeople is not None else None
        written = scoring.score_periods(periods, people=people, since=first_month)
        runs.update(done=len(periods))
    except Exception:
        job = ledger.current()
        if job is None or job.attempts >= settings.JOB_MAX_ATTEMPTS:  # else tried again
            runs.update(status=ScoringRun.Status.FAILED, finished_at=timezone.now())
        raise
    runs.update(status=ScoringRun.Status.DONE, finished_at=timezone.now())
    return written
