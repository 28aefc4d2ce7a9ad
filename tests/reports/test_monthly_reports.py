"""The monthly work report (rules.md §9.4, §9.10): the month's results drafted (sales against
quota with carry-over, new customers, visits, expenses) with next month's trip plans; due on
the month's last day local time; submitted once, kept as reported, commented by the manager."""

from contextlib import contextmanager
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import deadlines, selectors, services
from reports.models import MonthlyReport, MonthlyReportComment
from sales.services.scoring import score_months
from salesops.errors import DomainError
from salesops.models import AuditEntry, Role
from tests.customers.factories import CustomerFactory
from tests.expenses.factories import approved_claim
from tests.factories import UserFactory
from tests.sales.factories import local, make_sale, set_quota
from tests.visits.factories import TripPlanFactory
from visits import services as visit_services

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _submit(person, moment, month=NOVEMBER, **texts):
    with at(moment):
        report = services.save_monthly_report(salesperson=person, month=month, by=person, **texts)
        return services.submit_monthly_report(report=report, by=person)


@pytest.fixture
def november(personas):
    """Li: 60,000 of 100,000 in October (40,000 carries over), 50,000 in November from an old
    dealer and a new large terminal customer, three visits (one entered late), a 1,000 claim, a
    trip planned for December and one in November."""
    li = personas.salesperson
    old = CustomerFactory(name="宁波老客户", territory=personas.xihu, channel="dealer")
    new = CustomerFactory(name="杭州新客户", territory=personas.xihu, channel="terminal_large")
    set_quota(li, date(2026, 10, 1), "100000")
    set_quota(li, NOVEMBER, "100000")
    make_sale(li, "60000.00", local(2026, 10, 12), customer=old)
    make_sale(li, "20000.00", local(2026, 11, 3), customer=old)
    make_sale(li, "30000.00", local(2026, 11, 30, 23, 30), customer=new)  # still November locally
    score_months(first_month=date(2026, 10, 1), last_month=NOVEMBER)
    for day in (10, 12):
        with at(local(2026, 11, day, 18)):  # entered on the day
            visit_services.record_visit(
                by=li, customer=new, visited_at=local(2026, 11, day), kind="on_site"
            )
    with at(local(2026, 11, 20, 15)):  # four days after: a late entry (rules.md §6.3)
        visit_services.record_visit(
            by=li, customer=old, visited_at=local(2026, 11, 16), kind="phone"
        )
    approved_claim(li, NOVEMBER, amounts=["800.00", "200.00"])
    TripPlanFactory(
        salesperson=li, title="十二月宁波", starts_on=date(2026, 12, 3), ends_on=date(2026, 12, 5)
    )
    TripPlanFactory(
        salesperson=li, title="十一月温州", starts_on=date(2026, 11, 24), ends_on=date(2026, 11, 26)
    )


def test_the_draft_holds_the_months_results_and_next_months_trips(november, personas, login):
    with at(local(2026, 11, 30, 23, 45)):
        client = login(personas.salesperson)  # the session starts at the mocked moment
        response = client.get(reverse("reports:monthly_month", args=["2026-11"]))
    assert response.status_code == 200
    content = response.context["content"]
    sales = content["sales"]
    assert (sales["total"], sales["quota"], sales["carried_over"], sales["target"]) == (
        "50000.00",
        "100000.00",
        "40000.00",
        "140000.00",
    )
    assert sales["attainment"] == "35.7"
    assert [(r["channel"], r["count"]) for r in content["new_customers"]] == [("terminal_large", 1)]
    visits = content["visits"]
    assert (visits["total"], visits["customers"], visits["late_entries"]) == (3, 2, 1)
    assert content["expenses"]["total"] == "1000.00"
    assert [plan["title"] for plan in content["next_month_plans"]] == ["十二月宁波"]
    page = response.content.decode()
    assert "140,000.00" in page and "十二月宁波" in page
    assert "2026-12-01 00:00" in page  # due before the 1st, 00:00 local


def test_submitting_keeps_the_figures_and_is_read_only(november, personas, login):
    url = reverse("reports:monthly_month", args=["2026-11"])
    with at(local(2026, 11, 30, 18)):
        client = login(personas.salesperson)
        response = client.post(
            url,
            {
                "review": "完成率偏低",
                "next_month_plan": "宁波",
                "support_needed": "",
                "submit": "1",
            },
        )
    report = MonthlyReport.objects.get()
    assert response["Location"] == reverse("reports:monthly_report", args=[report.pk])
    assert report.is_submitted and not report.is_late
    assert report.snapshot["sales"]["total"] == "50000.00"
    make_sale(personas.salesperson, "9000.00", local(2026, 11, 28))
    report.refresh_from_db()
    assert report.snapshot["sales"]["total"] == "50000.00"  # rules.md §9.8
    with at(local(2026, 11, 30, 19)):
        assert client.get(url)["Location"] == reverse("reports:monthly_report", args=[report.pk])
        response = client.post(url, {"review": "改", "submit": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:monthly_report", args=[report.pk])
    assert "already submitted" in response.content.decode()
    report.refresh_from_db()
    assert report.review == "完成率偏低"


def test_a_second_submission_is_refused(personas):
    report = _submit(personas.salesperson, local(2026, 11, 30, 18))
    with at(local(2026, 11, 30, 19)), pytest.raises(DomainError, match="already submitted"):
        services.submit_monthly_report(report=report, by=personas.salesperson)
    assert AuditEntry.objects.filter(action="reports.monthly_report.submitted").count() == 1


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (datetime(2026, 11, 30, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai")), False),
        (datetime(2026, 11, 30, 15, 59, 59, tzinfo=ZoneInfo("UTC")), False),  # same moment
        (datetime(2026, 12, 1, 0, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai")), True),
        (datetime(2026, 11, 30, 16, 0, 0, tzinfo=ZoneInfo("UTC")), True),  # still the 30th UTC
    ],
)
def test_due_on_the_months_last_day_local_time(personas, moment, late):
    assert _submit(personas.salesperson, moment).is_late is late


def test_february_and_december_end_where_the_calendar_says():
    assert deadlines.monthly_deadline(date(2028, 2, 1)).isoformat() == "2028-03-01T00:00:00+08:00"
    assert deadlines.monthly_deadline(date(2026, 12, 1)).isoformat() == "2027-01-01T00:00:00+08:00"


def test_open_until_the_second_then_missing(personas):
    people = [personas.salesperson]
    on_the_1st = local(2026, 12, 1, 23, 59)
    on_the_2nd = local(2026, 12, 2, 0, 0)
    kind = deadlines.MONTHLY
    assert selectors.compliance(people, NOVEMBER, kind=kind, now=on_the_1st)[0].state == "open"
    assert selectors.compliance(people, NOVEMBER, kind=kind, now=on_the_2nd)[0].state == "missing"


def test_a_future_month_cannot_be_written(personas, login):
    with at(local(2026, 11, 20)):
        with pytest.raises(DomainError):
            services.save_monthly_report(
                salesperson=personas.salesperson, month=date(2026, 12, 1), by=personas.salesperson
            )
        url = reverse("reports:monthly_month", args=["2026-12"])
        assert login(personas.salesperson).get(url).status_code == 404


def test_the_manager_comments_the_director_comments_the_managers_own(personas, login):
    report = _submit(personas.salesperson, local(2026, 11, 30, 18))
    url = reverse("reports:monthly_comment", args=[report.pk])
    assert login(personas.other_manager).post(url, {"body": "x"}).status_code == 404
    assert login(personas.colleague).post(url, {"body": "x"}).status_code == 404
    assert login(personas.salesperson).post(url, {"body": "x"}).status_code == 403
    assert login(personas.manager).post(url, {"body": "下月加油"}).status_code == 302
    assert MonthlyReportComment.objects.get().body == "下月加油"

    own = _submit(personas.manager, local(2026, 11, 30, 18))
    own_url = reverse("reports:monthly_comment", args=[own.pk])
    assert login(personas.manager).post(own_url, {"body": "x"}).status_code == 403
    assert login(personas.director).post(own_url, {"body": "好"}).status_code == 302


def test_the_team_month_shows_compliance(personas, login):
    _submit(personas.salesperson, local(2026, 11, 29, 18))
    _submit(personas.colleague, local(2026, 12, 1, 9))
    with at(local(2026, 12, 3, 9)):
        response = login(personas.manager).get(
            reverse("reports:monthly_team"), {"month": "2026-11"}
        )
    states = {row.salesperson.username: row.state for row in response.context["rows"]}
    assert states == {"li": "on_time", "zhang": "late", "wang": "missing"}


def test_the_pages_query_counts_do_not_grow(november, personas, login):
    report = _submit(personas.salesperson, local(2026, 11, 30, 18))
    pages = [
        (personas.manager, reverse("reports:monthly_team"), {"month": "2026-11"}),
        (personas.manager, reverse("reports:monthly_report", args=[report.pk]), {}),
        (personas.salesperson, reverse("reports:monthly", args=[]), {}),
    ]

    def count_queries():
        counts = []
        for user, url, params in pages:
            with at(local(2026, 12, 3, 9)):
                client = login(user)
            with at(local(2026, 12, 3, 9)), CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            counts.append(len(queries))
        return counts

    few = count_queries()
    for n in range(4):
        person = UserFactory(username=f"seller{n}", role=Role.SALESPERSON, regions=[personas.east])
        _submit(person, local(2026, 11, 30, 18))
        _submit(personas.salesperson, local(2026, 11, 30, 18), month=date(2026, 6 + n, 1))
        with at(local(2026, 12, 3, 9)):
            services.comment_on_monthly_report(report=report, by=personas.manager, body=f"{n}")
    assert count_queries() == few


def test_the_write_page_query_count_does_not_grow_with_the_month(november, personas, login):
    def count_queries():
        with at(local(2026, 11, 30, 9)):
            client = login(personas.salesperson)
        with at(local(2026, 11, 30, 9)), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:monthly_month", args=["2026-11"])).status_code == 200
        return len(queries)

    few = count_queries()
    for n in range(4):
        make_sale(personas.salesperson, "100.00", local(2026, 11, 2 + n))
        TripPlanFactory(
            salesperson=personas.salesperson,
            starts_on=date(2026, 12, 10 + n),
            ends_on=date(2026, 12, 11 + n),
        )
    assert count_queries() == few


def test_the_team_month_shows_one_region_a_page(personas, login):
    """Head office sees one region at a time (the first by default), so the page is bounded by
    a region's team however many people the company has (docs/performance.md, P3)."""
    client = login(personas.head_office)
    url = reverse("reports:monthly_team")

    first = client.get(url, {"month": "2026-10"})
    south = client.get(url, {"month": "2026-10", "region": "south-china"})

    assert {row.salesperson.username for row in first.context["rows"]} == {"li", "zhang", "wang"}
    assert {row.salesperson.username for row in south.context["rows"]} == {"lin", "huang"}
    assert 'id="team-regions"' in first.content.decode()


def test_a_region_outside_the_scope_of_the_team_month_is_not_found(personas, login):
    response = login(personas.manager).get(
        reverse("reports:monthly_team"), {"region": "south-china"}
    )

    assert response.status_code == 404
