"""The weekly trip report (rules.md §9.1, §9.2, §9.6, §9.7, §9.8)."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import selectors, services
from reports.models import ReportComment, WeeklyReport
from salesops import paging
from salesops.errors import DomainError
from salesops.models import AuditEntry, Role
from tests.customers.factories import CustomerFactory
from tests.factories import UserFactory
from tests.sales.factories import local, make_sale, set_quota
from visits import services as visit_services
from visits.models import WeekLock

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 16)  # the week of 16–22 November 2026; due Saturday 21st, 12:00


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def week(personas):
    """Li's week: two visits (one with a competitor), sales this week and earlier this month,
    and a visit of the week before that the report must leave out."""
    customer = CustomerFactory(name="杭州永固胶业", territory=personas.xihu)
    with at(local(2026, 11, 20, 15)):
        visit = visit_services.record_visit(
            by=personas.salesperson,
            customer=customer,
            visited_at=local(2026, 11, 18, 10),
            kind="on_site",
            person_met="陈经理",
            person_position="采购部经理",
            discussion="新品报价",
            result="同意试用",
            competitors=[{"brand": "汉高", "price": "每公斤 38 元"}],
        )
        visit_services.record_visit(
            by=personas.salesperson,
            customer=customer,
            visited_at=local(2026, 11, 19, 14),
            kind="phone",
            person_met="王工",
        )
    with at(local(2026, 11, 13, 18)):
        visit_services.record_visit(
            by=personas.salesperson,
            customer=customer,
            visited_at=local(2026, 11, 13, 10),
            kind="on_site",
            person_met="上周的人",
        )
    make_sale(personas.salesperson, "12000.00", local(2026, 11, 17, 11), customer=customer)
    make_sale(personas.salesperson, "8000.00", local(2026, 11, 5, 11), customer=customer)
    set_quota(personas.salesperson, date(2026, 11, 1), "100000")
    return visit


def _submit(person, moment, monday=MONDAY, **texts):
    with at(moment):
        report = services.save_weekly_report(
            salesperson=person, week_start=monday, by=person, **texts
        )
        return services.submit_weekly_report(report=report, by=person)


def test_the_draft_lists_the_weeks_visits_and_sales(week, personas, login):
    client = login(personas.salesperson)
    with at(local(2026, 11, 20, 16)):
        response = client.get(reverse("reports:weekly_week", args=[MONDAY.isoformat()]))
    assert response.status_code == 200
    content = response.context["content"]
    assert [visit["person_met"] for visit in content["visits"]] == ["陈经理", "王工"]
    first = content["visits"][0]
    assert (first["customer"], first["person_position"], first["result"]) == (
        "杭州永固胶业",
        "采购部经理",
        "同意试用",
    )
    assert first["competitors"][0]["brand"] == "汉高"
    assert content["sales"]["week_total"] == "12000.00"
    assert content["sales"]["month_to_date"] == "20000.00"
    assert content["sales"]["month_target"] == "100000.00"
    assert content["sales"]["month_attainment"] == "20.0"
    terminal = next(row for row in content["sales"]["channels"] if row["channel"] == "terminal")
    assert (terminal["sales"], terminal["target"]) == ("20000.00", "100000.00")
    page = response.content.decode()
    assert "上周的人" not in page
    assert "汉高" in page


def test_submitting_snapshots_the_week_and_locks_its_visits(week, personas, login):
    client = login(personas.salesperson)
    url = reverse("reports:weekly_week", args=[MONDAY.isoformat()])
    with at(local(2026, 11, 20, 17)):
        response = client.post(
            url,
            {"next_week_plan": "宁波两家", "forecast": "五万", "difficulties": "", "submit": "1"},
        )
    report = WeeklyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:weekly_report", args=[report.pk])
    assert report.status == WeeklyReport.Status.SUBMITTED
    assert not report.is_late
    assert report.next_week_plan == "宁波两家"
    assert len(report.snapshot["visits"]) == 2
    assert WeekLock.objects.filter(salesperson=personas.salesperson, week_start=MONDAY).exists()
    assert AuditEntry.objects.filter(action="reports.weekly_report.submitted").count() == 1

    # The salesperson can no longer edit a visit of that week ...
    with at(local(2026, 11, 21, 9)), pytest.raises(DomainError, match="submitted"):
        visit_services.change_visit(visit=week, by=personas.salesperson, discussion="改写")
    # ... the manager corrects it, and the report still says what was reported (rules.md §9.8).
    with at(local(2026, 11, 21, 9)):
        visit_services.change_visit(
            visit=week, by=personas.manager, reason="客户更正", discussion="改写"
        )
    report.refresh_from_db()
    assert report.snapshot["visits"][0]["discussion"] == "新品报价"

    # A submitted report is read-only: its week page sends to the report; a second submission
    # (a double click, an old tab) changes nothing and says so (rules.md §9.11).
    with at(local(2026, 11, 21, 9)):
        assert client.get(url)["Location"] == reverse("reports:weekly_report", args=[report.pk])
        response = client.post(url, {"next_week_plan": "改了", "submit": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:weekly_report", args=[report.pk])
    assert "already submitted" in response.content.decode()
    report.refresh_from_db()
    assert report.next_week_plan == "宁波两家"


def test_a_second_submission_is_refused(week, personas):
    report = _submit(personas.salesperson, local(2026, 11, 20, 17))
    with at(local(2026, 11, 20, 18)), pytest.raises(DomainError, match="already submitted"):
        services.submit_weekly_report(report=report, by=personas.salesperson)


@pytest.mark.parametrize(
    ("hour", "minute", "late"),
    [(11, 59, False), (12, 0, True), (12, 1, True)],
)
def test_saturday_noon_is_the_deadline(personas, hour, minute, late):
    """rules.md §9.7: 11:59 Saturday (Asia/Shanghai) is on time; 12:00 and later is late."""
    report = _submit(personas.salesperson, local(2026, 11, 21, hour, minute))
    assert report.is_late is late
    with at(local(2026, 11, 23, 9)):
        [row] = selectors.compliance(
            selectors.User.objects.filter(pk=personas.salesperson.pk), MONDAY
        )
    assert row.state == ("late" if late else "on_time")


def test_the_deadline_is_counted_in_the_company_time_zone(personas, settings):
    # 03:59 UTC on Saturday is 11:59 in Shanghai: on time.
    from datetime import UTC, datetime

    report = _submit(personas.salesperson, datetime(2026, 11, 21, 3, 59, tzinfo=UTC))
    assert not report.is_late


def test_a_week_without_a_report_is_missing_from_monday(personas):
    people = selectors.User.objects.filter(pk=personas.salesperson.pk)
    with at(local(2026, 11, 22, 23, 59)):
        [row] = selectors.compliance(people, MONDAY)
    assert row.state == "open"
    with at(local(2026, 11, 23, 0, 0)):
        [row] = selectors.compliance(people, MONDAY)
    assert row.state == "missing"
    # A draft that was never submitted is missing too.
    with at(local(2026, 11, 20, 10)):
        services.save_weekly_report(
            salesperson=personas.salesperson, week_start=MONDAY, by=personas.salesperson
        )
    with at(local(2026, 11, 23, 0, 0)):
        [row] = selectors.compliance(people, MONDAY)
    assert row.state == "missing"


def test_a_future_week_cannot_be_written(personas):
    with at(local(2026, 11, 13, 10)), pytest.raises(DomainError):
        services.save_weekly_report(
            salesperson=personas.salesperson, week_start=MONDAY, by=personas.salesperson
        )


def test_the_manager_comments_and_the_comment_is_kept_and_audited(week, personas, login):
    report = _submit(personas.salesperson, local(2026, 11, 20, 17))
    client = login(personas.manager)
    with at(local(2026, 11, 22, 10)):
        response = client.post(
            reverse("reports:weekly_comment", args=[report.pk]), {"body": "宁波要抓紧。"}
        )
    assert response.status_code == 302
    comment = ReportComment.objects.get()
    assert (comment.author, comment.body) == (personas.manager, "宁波要抓紧。")
    assert comment.created_at == local(2026, 11, 22, 10)
    entry = AuditEntry.objects.get(action="reports.weekly_report.commented")
    assert entry.actor == personas.manager
    page = login(personas.salesperson).get(reverse("reports:weekly_report", args=[report.pk]))
    assert "宁波要抓紧。" in page.content.decode()


def test_an_empty_comment_is_refused(week, personas, login):
    report = _submit(personas.salesperson, local(2026, 11, 20, 17))
    response = login(personas.manager).post(
        reverse("reports:weekly_comment", args=[report.pk]), {"body": "   "}
    )
    assert response.status_code == 400
    assert not ReportComment.objects.exists()


def test_another_regions_report_is_not_found(week, personas, login):
    report = _submit(personas.salesperson, local(2026, 11, 20, 17))
    url = reverse("reports:weekly_report", args=[report.pk])
    assert login(personas.other_manager).get(url).status_code == 404
    assert login(personas.colleague).get(url).status_code == 404
    assert login(personas.manager).get(url).status_code == 200
    with pytest.raises(DomainError):
        services.comment_on_report(report=report, by=personas.other_manager, body="x")


def test_the_team_week_shows_on_time_late_and_missing(personas, login):
    _submit(personas.salesperson, local(2026, 11, 20, 17))
    _submit(personas.colleague, local(2026, 11, 21, 12, 30))
    client = login(personas.manager)
    with at(local(2026, 11, 23, 9)):
        response = client.get(reverse("reports:weekly_team"), {"week": "2026-11-18"})
    states = {row.salesperson.username: row.state for row in response.context["rows"]}
    assert states == {"li": "on_time", "zhang": "late", "wang": "missing"}
    assert "lin" not in states  # another region's salesperson


def test_the_team_page_query_count_does_not_grow_with_the_reports(personas, login):
    client = login(personas.manager)
    url = reverse("reports:weekly_team")

    def count_queries():
        with at(local(2026, 11, 23, 9)), CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"week": MONDAY.isoformat()}).status_code == 200
        return len(queries)

    _submit(personas.salesperson, local(2026, 11, 20, 17))
    few = count_queries()
    for n in range(5):
        person = UserFactory(username=f"seller{n}", role=Role.SALESPERSON, regions=[personas.east])
        _submit(person, local(2026, 11, 20, 17))
        with at(local(2026, 11, 21, 9)):
            services.comment_on_report(
                report=WeeklyReport.objects.get(salesperson=person), by=personas.manager, body="ok"
            )
    assert count_queries() == few


def test_home_panels_show_the_week_and_the_teams_late_or_missing(personas, login):
    _submit(personas.colleague, local(2026, 11, 21, 13))
    with at(local(2026, 11, 24, 9)):
        seller_home = login(personas.salesperson).get("/").content.decode()
        manager_home = login(personas.manager).get("/").content.decode()
    assert 'id="my-week-report-panel"' in seller_home
    assert "2026-11-28 12:00" in seller_home  # this week's deadline
    assert 'id="team-week-panel"' in manager_home
    assert "张伟" in manager_home and "李明" in manager_home  # late, missing


@pytest.mark.parametrize("moment", [local(2026, 11, 23, 9), local(2026, 11, 21, 9)])
@pytest.mark.parametrize("limit", [1, 2, 10])
def test_the_home_panels_first_behind_are_the_team_weeks_not_on_time(personas, moment, limit):
    """The panel's rows and counts from one query are what the team week's full list gives:
    late, missing or not yet due, by name; a person in two regions counted once."""
    _submit(personas.salesperson, local(2026, 11, 20, 17))  # on time
    _submit(personas.colleague, local(2026, 11, 21, 12, 30))  # late
    both = UserFactory(
        username="aaa", role=Role.SALESPERSON, regions=[personas.east, personas.south]
    )

    with at(moment):
        rows, behind, people = selectors.team_week_behind(personas.director, MONDAY, limit)
        every = selectors.team_compliance(personas.director, MONDAY)

    not_on_time = [row for row in every if row.state != "on_time"]
    assert [(row.salesperson, row.state) for row in rows] == [
        (row.salesperson, row.state) for row in not_on_time[:limit]
    ]
    assert (behind, people) == (len(not_on_time), len(every))
    assert [row.salesperson for row in every].count(both) == 1


def test_money_in_the_snapshot_is_exact(week, personas):
    report = _submit(personas.salesperson, local(2026, 11, 20, 17))
    assert Decimal(report.snapshot["sales"]["week_total"]) == Decimal("12000.00")


def test_the_team_week_shows_one_region_a_page_with_its_total(personas, login):
    _submit(personas.salesperson, local(2026, 11, 20, 17))
    client = login(personas.head_office)
    url = reverse("reports:weekly_team")
    with at(local(2026, 11, 23, 9)):
        first = client.get(url, {"week": "2026-11-18"})
        south = client.get(url, {"week": "2026-11-18", "region": "south-china"})

    assert {row.salesperson.username for row in first.context["rows"]} == {"li", "zhang", "wang"}
    assert {row.salesperson.username for row in south.context["rows"]} == {"lin", "huang"}
    totals = {total["state"]: total["count"] for total in first.context["totals"]}
    assert totals == {"on_time": 1, "late": 0, "missing": 2, "open": 0}
    assert 'id="team-reports-total"' in first.content.decode()


@pytest.mark.parametrize(
    ("url_name", "period"), [("reports:weekly_team", "week"), ("reports:monthly_team", "month")]
)
def test_the_team_report_pages_show_a_page_of_people_with_the_whole_teams_total(
    personas, login, monkeypatch, url_name, period
):
    """25 people a page (docs/performance.md, P1); the total row counts the whole region."""
    _submit(personas.salesperson, local(2026, 11, 20, 17))
    monkeypatch.setattr(paging, "PEOPLE_PER_PAGE", 2)
    value = "2026-11-16" if period == "week" else "2026-11"
    client = login(personas.manager)
    with at(local(2026, 11, 23, 9)):
        first = client.get(reverse(url_name), {period: value})
        second = client.get(reverse(url_name), {period: value, "page": 2})

    pages = [{row.salesperson.username for row in page.context["rows"]} for page in (first, second)]
    assert len(pages[0]) == 2 and pages[0] | pages[1] == {"li", "zhang", "wang"}
    if period == "week":
        totals = {total["state"]: total["count"] for total in second.context["totals"]}
        assert totals == {"on_time": 1, "late": 0, "missing": 2, "open": 0}
    link = f"?{period}={value}&amp;region=east-china&page=2"
    assert f'href="{link}"' in first.content.decode()


def test_a_region_outside_the_scope_of_the_team_week_is_not_found(personas, login):
    url = reverse("reports:weekly_team")

    response = login(personas.manager).get(url, {"region": "south-china"})

    assert response.status_code == 404


def test_head_offices_region_page_costs_the_same_queries_with_more_people(personas, login):
    client = login(personas.head_office)
    url = reverse("reports:weekly_team")

    def count_queries():
        with at(local(2026, 11, 23, 9)), CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"week": MONDAY.isoformat(), "region": "south-china"})
            assert response.status_code == 200
        return len(queries)

    few = count_queries()
    for n in range(5):
        person = UserFactory(username=f"south{n}", role=Role.SALESPERSON, regions=[personas.south])
        _submit(person, local(2026, 11, 20, 17))
    assert count_queries() == few
