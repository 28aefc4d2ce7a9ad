"""The demo's reports (issue 11 "Demo"): weekly reports on time, late and missing, the regions'
summaries and monthly work reports, loaded through the services and only once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from reports import deadlines, selectors, weeks
from reports.models import MonthlyReport, RegionSummary, ReportComment, WeeklyReport
from salesops.models import User
from salesops.months import add_months, current_month
from visits.models import WeekLock

pytestmark = pytest.mark.django_db


def test_the_demo_holds_reports_in_every_state_and_loads_once(login):
    call_command("seed_demo", stdout=StringIO())
    counts = [WeeklyReport.objects.count(), RegionSummary.objects.count()]
    sellers = User.objects.filter(weekly_reports__isnull=False).distinct()
    mondays = [weeks.current_week() - timedelta(days=7 * back) for back in range(1, 9)]
    states = {row.state for row in selectors.compliance(sellers, mondays)}
    assert {"on_time", "late", "missing"} <= states
    # Every week the visits demo locked has its submitted report.
    for lock in WeekLock.objects.all():
        assert WeeklyReport.objects.filter(
            salesperson=lock.salesperson, week_start=lock.week_start, status="submitted"
        ).exists(), (lock.salesperson, lock.week_start)
    managers = User.objects.filter(username__in=["wang.jianguo", "huang.zhiqiang"])
    summary_states = {
        row.state for row in selectors.compliance(managers, mondays, kind=deadlines.SUMMARY)
    }
    assert {"on_time", "late", "missing"} <= summary_states
    months = [add_months(current_month(), -back) for back in (1, 2, 3)]
    month_states = {
        row.state for row in selectors.compliance(sellers, months, kind=deadlines.MONTHLY)
    }
    assert {"on_time", "late", "missing"} <= month_states
    assert ReportComment.objects.exists()
    assert MonthlyReport.objects.filter(comments__isnull=False).exists()
    assert RegionSummary.objects.filter(comments__isnull=False).exists()

    client = login(User.objects.get(username="zhao.lixin"))  # with the second factor
    assert client.get("/reports/summaries/", {"week": str(mondays[0])}).status_code == 200

    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert [WeeklyReport.objects.count(), RegionSummary.objects.count()] == counts
    assert "reports already there" in output.getvalue()
