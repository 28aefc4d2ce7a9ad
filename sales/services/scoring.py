"""Scoring runs: the on-demand job a manager starts from the attainment page (rules.md §7.6)."""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sales import rollups, scoring
from sales.models import ScoringRun
from salesops import access, audit, queue
from salesops.errors import DomainError
from salesops.models import User


def can_run_scoring(user: User) -> bool:
    return access.sees_team(user)


@transaction.atomic
def start_scoring_run(*, by: User, first_month: date, last_month: date) -> ScoringRun:
    if not can_run_scoring(by):
        raise DomainError(_("Only managers, the director and head office recompute scores."))
    if last_month < first_month:
        raise DomainError(_("The last month comes before the first."), field="last_month")
    periods = scoring.periods_to_score(first_month, last_month)
    run = ScoringRun.objects.create(
        started_by=by, first_month=first_month, last_month=last_month, total=len(periods)
    )
    audit.record(
        "reports.scoring.started",
        actor=by,
        target=run,
        changes={"first_month": first_month, "last_month": last_month},
    )
    from sales import tasks

    queue.on_commit(
        tasks.score_months,
        first_month=first_month.isoformat(),
        last_month=last_month.isoformat(),
        run_id=run.pk,
    )
    return run


def rebuild_and_score(*, first_month: date, last_month: date) -> int:
    """The nightly path: the rollup rebuilt from the sales (it must equal the incremental
    state), then the scores."""
    rollups.rebuild_sales_rollup(first_month, last_month)
    return score_months(first_month=first_month, last_month=last_month)


def score_months(*, first_month: date, last_month: date, run_id: int | None = None) -> int:
    """Recompute every half-year the range touches, and the later ones already scored
    (carry-over runs on across half-years, rules.md §7.5).

    Progress is written to the run after each period, so the page's bar moves.
    """
    runs = ScoringRun.objects.filter(pk=run_id)
    runs.update(status=ScoringRun.Status.RUNNING)
    written = 0
    try:
        for period in scoring.periods_to_score(first_month, last_month):
            written += scoring.score_period(period)
            runs.update(done=F("done") + 1)
    except Exception:
        runs.update(status=ScoringRun.Status.FAILED, finished_at=timezone.now())
        raise
    runs.update(status=ScoringRun.Status.DONE, finished_at=timezone.now())
    return written
