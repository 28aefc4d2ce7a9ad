from datetime import timedelta

from django.urls import reverse

from reports import weeks
from tests.access_matrix import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, expect
from tests.reports.factories import submitted_report, visit_in_last_week

SELLERS = ["salesperson", "colleague", "other_salesperson", "manager", "other_manager"]
TEAM_READERS = {"manager": OK, "other_manager": OK, "director": OK, "head_office": OK, "admin": OK}
EAST_READERS = {"salesperson": OK, "manager": OK, "director": OK, "head_office": OK, "admin": OK}
EAST_COMMENTERS = {"manager": REDIRECT, "director": REDIRECT, "admin": REDIRECT}
# rules.md §6.4: only the region's manager corrects; the others who read the report get 403.
EAST_CORRECTORS = {"salesperson": FORBIDDEN, "director": FORBIDDEN, "head_office": FORBIDDEN}


def cases(world):
    visit = visit_in_last_week(world.salesperson, world.xihu)
    report = submitted_report(world.salesperson)
    this_week = weeks.current_week()
    week_url = reverse("reports:weekly_week", args=[this_week.isoformat()])
    future_url = reverse("reports:weekly_week", args=[(this_week + timedelta(days=7)).isoformat()])
    submitted_week_url = reverse("reports:weekly_week", args=[report.week_start.isoformat()])
    report_url = reverse("reports:weekly_report", args=[report.pk])
    comment_url = reverse("reports:weekly_comment", args=[report.pk])
    correct_url = reverse("reports:weekly_correct", args=[report.pk])
    visit_url = reverse("reports:weekly_visit_correct", args=[report.pk, visit.pk])
    correction = {"result": "暂不试用", "reason": "客户更正"}
    sellers = dict.fromkeys(SELLERS, OK)
    return [
        Case(reverse("reports:weekly"), expect(OK)),
        Case(reverse("reports:weekly"), expect(NOT_ALLOWED), method="post"),
        Case(
            reverse("reports:weekly_current"),
            expect(FORBIDDEN, **dict.fromkeys(SELLERS, REDIRECT)),
        ),
        Case(reverse("reports:weekly_current"), expect(NOT_ALLOWED), method="post"),
        Case(week_url, expect(FORBIDDEN, **sellers)),
        Case(
            week_url,
            expect(FORBIDDEN, **dict.fromkeys(SELLERS, REDIRECT)),
            method="post",
            data={"next_week_plan": "plan", "save": "1"},
        ),
        Case(
            submitted_week_url,
            expect(FORBIDDEN, **(dict.fromkeys(SELLERS, OK) | {"salesperson": REDIRECT})),
        ),
        Case(
            submitted_week_url,
            expect(FORBIDDEN, **dict.fromkeys(SELLERS, REDIRECT)),  # the author: told, unchanged
            method="post",
            data={"next_week_plan": "plan", "save": "1"},
        ),
        Case(future_url, expect(FORBIDDEN, **dict.fromkeys(SELLERS, NOT_FOUND))),
        Case(reverse("reports:weekly_team"), expect(FORBIDDEN, **TEAM_READERS)),
        Case(reverse("reports:weekly_team"), expect(NOT_ALLOWED), method="post"),
        Case(report_url, expect(NOT_FOUND, **EAST_READERS)),
        Case(report_url, expect(NOT_ALLOWED), method="post"),
        Case(
            comment_url,
            expect(NOT_FOUND, salesperson=FORBIDDEN, head_office=FORBIDDEN, **EAST_COMMENTERS),
            method="post",
            data={"body": "Good week."},
        ),
        Case(comment_url, expect(NOT_ALLOWED)),
        Case(correct_url, expect(NOT_FOUND, manager=OK, admin=OK, **EAST_CORRECTORS)),
        Case(
            correct_url,
            expect(NOT_FOUND, manager=REDIRECT, admin=REDIRECT, **EAST_CORRECTORS),
            method="post",
            data={"forecast": "下周一单", "reason": "预测写错了"},
        ),
        Case(visit_url, expect(NOT_FOUND, manager=OK, admin=OK, **EAST_CORRECTORS)),
        Case(
            visit_url,
            expect(NOT_FOUND, manager=REDIRECT, admin=REDIRECT, **EAST_CORRECTORS),
            method="post",
            data=correction,
        ),
    ]
