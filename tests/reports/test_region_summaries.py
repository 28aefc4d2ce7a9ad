"""The regional manager's weekly team summary (rules.md §9.3, §9.9): drafted from the team's
reports and figures, submitted once before Sunday, kept as reported, commented by the director."""

from contextlib import contextmanager
from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import deadlines, selectors, services
from reports.models import RegionSummary, SummaryComment
from salesops.errors import DomainError
from salesops.models import AuditEntry, Role
from tests.customers.factories import CustomerFactory
from tests.factories import UserFactory
from tests.sales.factories import local, make_sale, set_quota
from visits import services as visit_services

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 16)  # due before Sunday 22 November 2026 00:00 local


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _weekly(person, moment, **texts):
    with at(moment):
        report = services.save_weekly_report(
            salesperson=person, week_start=MONDAY, by=person, **texts
        )
        return services.submit_weekly_report(report=report, by=person)


def _summary(manager, region, moment, **texts):
    with at(moment):
        summary = services.save_region_summary(
            region=region, week_start=MONDAY, by=manager, **texts
        )
        return services.submit_region_summary(summary=summary, by=manager)


@pytest.fixture
def team_week(personas):
    """Li: two visits, 12,000 this week and 8,000 earlier in the month against 100,000, an on-time
    report; Zhang: a late report with a difficulty; Wang (the manager, who sells): nothing."""
    customer = CustomerFactory(name="杭州永固胶业", territory=personas.xihu)
    with at(local(2026, 11, 20, 15)):
        for day in (18, 19):
            visit_services.record_visit(
                by=personas.salesperson,
                customer=customer,
                visited_at=local(2026, 11, day, 10),
                kind="on_site",
                person_met="陈经理",
            )
    make_sale(personas.salesperson, "12000.00", local(2026, 11, 17, 11), customer=customer)
    make_sale(personas.salesperson, "8000.00", local(2026, 11, 5, 11), customer=customer)
    set_quota(personas.salesperson, date(2026, 11, 1), "100000")
    set_quota(personas.colleague, date(2026, 11, 1), "50000")
    _weekly(personas.salesperson, local(2026, 11, 20, 17), next_week_plan="宁波两家")
    _weekly(personas.colleague, local(2026, 11, 21, 14), difficulties="样品未到")


def test_the_draft_gathers_the_teams_reports_and_figures(team_week, personas, login):
    client = login(personas.manager)
    with at(local(2026, 11, 21, 18)):
        response = client.get(reverse("reports:summary_week", args=[MONDAY.isoformat()]))
    assert response.status_code == 200
    content = response.context["content"]
    team = {row["person"]: row for row in content["team"]}
    assert set(team) == {"李明", "张伟", "王建国"}  # the region's sellers, the manager included
    li = team["李明"]
    assert (li["report"], li["visits"], li["week_sales"]) == ("on_time", 2, "12000.00")
    assert (li["month_to_date"], li["month_target"], li["attainment"]) == (
        "20000.00",
        "100000.00",
        "20.0",
    )
    assert team["张伟"]["report"] == "late"
    assert team["王建国"]["report"] == "open"  # not missing before the next Monday
    totals = content["totals"]
    assert (totals["visits"], totals["month_to_date"], totals["month_target"]) == (
        2,
        "20000.00",
        "150000.00",
    )
    assert {note["person"]: note["difficulties"] for note in content["notes"]}["张伟"] == "样品未到"
    page = response.content.decode()
    assert "20,000.00" in page and "150,000.00" in page  # money grouped
    assert "样品未到" in page


def test_submitting_keeps_the_figures_and_locks_the_summary(team_week, personas, login):
    client = login(personas.manager)
    url = reverse("reports:summary_week", args=[MONDAY.isoformat()])
    with at(local(2026, 11, 21, 20)):
        response = client.post(
            url,
            {"team_review": "本周拜访十次", "problems": "", "next_week_focus": "", "submit": "1"},
        )
    summary = RegionSummary.objects.get()
    assert response["Location"] == reverse("reports:summary", args=[summary.pk])
    assert summary.is_submitted and not summary.is_late
    assert summary.author == personas.manager
    assert summary.snapshot["totals"]["week_sales"] == "12000.00"
    # A sale booked afterwards does not change what was reported (rules.md §9.8).
    make_sale(personas.salesperson, "5000.00", local(2026, 11, 18, 11))
    summary.refresh_from_db()
    assert summary.snapshot["totals"]["week_sales"] == "12000.00"
    # Read-only afterwards: the week page sends to the summary, a write is refused.
    with at(local(2026, 11, 21, 21)):
        assert client.get(url)["Location"] == reverse("reports:summary", args=[summary.pk])
        response = client.post(url, {"team_review": "改了", "submit": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:summary", args=[summary.pk])
    assert "already submitted" in response.content.decode()
    summary.refresh_from_db()
    assert summary.team_review == "本周拜访十次"
    assert AuditEntry.objects.filter(action="reports.region_summary.submitted").count() == 1


def test_a_second_submission_is_refused_and_changes_nothing(team_week, personas):
    summary = _summary(personas.manager, personas.east, local(2026, 11, 21, 20))
    with at(local(2026, 11, 21, 22)), pytest.raises(DomainError, match="already submitted"):
        services.submit_region_summary(summary=summary, by=personas.manager)
    with at(local(2026, 11, 21, 22)), pytest.raises(DomainError, match="can no longer be changed"):
        services.save_region_summary(
            region=personas.east, week_start=MONDAY, by=personas.manager, team_review="x"
        )
    summary.refresh_from_db()
    assert summary.submitted_at == local(2026, 11, 21, 20)


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (local(2026, 11, 21, 23, 59), False),  # Saturday 23:59 local = 15:59 UTC
        (local(2026, 11, 22, 0, 0), True),  # Sunday 00:00:00 local is already late
        (local(2026, 11, 22, 9, 0), True),
    ],
)
def test_the_summary_is_due_before_sunday_local_time(personas, moment, late):
    summary = _summary(personas.manager, personas.east, moment)
    assert summary.is_late is late


def test_sunday_midnight_is_counted_in_the_company_time_zone():
    deadline = deadlines.summary_deadline(MONDAY)
    assert deadline.isoformat() == "2026-11-22T00:00:00+08:00"
    assert deadline.utcoffset().total_seconds() == 8 * 3600  # Saturday 16:00 UTC


def test_only_the_regions_manager_writes_it(personas):
    for person in (personas.salesperson, personas.director, personas.other_manager):
        with at(local(2026, 11, 21, 9)), pytest.raises(DomainError):
            services.save_region_summary(region=personas.east, week_start=MONDAY, by=person)


def test_the_director_comments_and_another_region_is_not_found(team_week, personas, login):
    summary = _summary(personas.manager, personas.east, local(2026, 11, 21, 20))
    url = reverse("reports:summary_comment", args=[summary.pk])
    assert login(personas.other_manager).post(url, {"body": "x"}).status_code == 404
    assert login(personas.manager).post(url, {"body": "x"}).status_code == 403  # own summary
    response = login(personas.director).post(url, {"body": "<b>注意</b> 回款"})
    assert response.status_code == 302
    comment = SummaryComment.objects.get()
    assert (comment.author, comment.body) == (personas.director, "<b>注意</b> 回款")
    page = login(personas.manager).get(reverse("reports:summary", args=[summary.pk]))
    assert "&lt;b&gt;注意&lt;/b&gt; 回款" in page.content.decode()
    audit = AuditEntry.objects.get(action="reports.region_summary.commented")
    assert audit.changes["body"] == "<b>注意</b> 回款"


def test_summary_compliance_per_manager(personas, login):
    _summary(personas.manager, personas.east, local(2026, 11, 22, 8))
    with at(local(2026, 11, 23, 9)):
        response = login(personas.director).get(
            reverse("reports:summaries"), {"week": "2026-11-16"}
        )
        rows = {row.salesperson.username: row.state for row in response.context["rows"]}
    assert rows == {"wang": "late", "huang": "missing"}


def test_the_summaries_page_query_count_does_not_grow(personas, login):
    client = login(personas.director)

    def count_queries():
        with at(local(2026, 11, 23, 9)), CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("reports:summaries"), {"week": "2026-11-16"}).status_code == 200
            )
        return len(queries)

    few = count_queries()
    _summary(personas.manager, personas.east, local(2026, 11, 21, 8))
    for n in range(4):
        UserFactory(username=f"mgr{n}", role=Role.MANAGER, regions=[personas.south])
    assert count_queries() == few


def test_the_summary_page_query_count_does_not_grow(personas, login):
    summary = _summary(personas.manager, personas.east, local(2026, 11, 21, 8))
    client = login(personas.director)
    url = reverse("reports:summary", args=[summary.pk])

    def count_queries():
        with at(local(2026, 11, 23, 9)), CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count_queries()
    for n in range(4):
        with at(local(2026, 11, 23, 9)):
            services.comment_on_summary(summary=summary, by=personas.director, body=f"意见{n}")
    assert count_queries() == few


def test_the_write_page_query_count_does_not_grow_with_the_team(personas, login):
    client = login(personas.manager)
    url = reverse("reports:summary_week", args=[MONDAY.isoformat()])

    def count_queries():
        with at(local(2026, 11, 21, 9)), CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count_queries()
    for n in range(4):
        person = UserFactory(username=f"seller{n}", role=Role.SALESPERSON, regions=[personas.east])
        _weekly(person, local(2026, 11, 20, 17))
    assert count_queries() == few
    with at(local(2026, 11, 21, 9)):
        rows = selectors.summary_draft_content(personas.east, MONDAY)["team"]
    assert len(rows) == 7


def test_each_draft_change_keeps_before_and_after(personas):
    with at(local(2026, 11, 21, 9)):
        services.save_region_summary(
            region=personas.east, week_start=MONDAY, by=personas.manager, problems="回款慢"
        )
        services.save_region_summary(
            region=personas.east, week_start=MONDAY, by=personas.manager, problems="回款慢，已催"
        )
    entry = AuditEntry.objects.get(action="reports.region_summary.changed")
    assert entry.changes["before"] == {"problems": "回款慢"}
    assert entry.changes["after"] == {"problems": "回款慢，已催"}
