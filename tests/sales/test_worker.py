"""The scoring job through a real Celery worker on Redis (PostgreSQL in CI)."""

from datetime import date
from decimal import Decimal

import pytest

from sales.models import Attainment, ScoringRun
from sales.services.scoring_runs import start_scoring_run
from tests.sales.factories import local, make_sale, set_quota

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_on_demand_run_is_computed_by_the_worker_and_reports_progress(celery_worker, personas):
    import time

    set_quota(personas.salesperson, date(2025, 7, 1), "375000")
    make_sale(personas.salesperson, "300000", local(2025, 7, 15))

    run = start_scoring_run(
        by=personas.manager, first_month=date(2025, 7, 1), last_month=date(2025, 9, 1)
    )

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (ScoringRun.Status.DONE, ScoringRun.Status.FAILED):
            break
        time.sleep(0.2)
    assert run.status == ScoringRun.Status.DONE
    assert run.percent == 100
    august = Attainment.objects.get(salesperson=personas.salesperson, month=date(2025, 8, 1))
    assert august.carried_over == Decimal("75000.00")
