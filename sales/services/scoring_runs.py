"""Scoring runs: the on-demand job a manager starts from the attainment page (rules.md §7.6);
the worker runs it through `tasks.score_months`."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from sales import scoring, tasks
from sales.models import ScoringRun
from salesops import access, audit, ledger
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
    ledger.enqueue(
        "sales.scoring_run",
        run.pk,
        tasks.score_months,
        first_month=first_month.isoformat(),
        last_month=last_month.isoformat(),
        run_id=run.pk,
    )
    return run
