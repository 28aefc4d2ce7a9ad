from datetime import timedelta

from django.urls import reverse

from reports import weeks
from tests.access_matrix import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, expect
from tests.reports.factories import submitted_report

SELLERS = ["salesperson", "colleague", "other_salesperson", "manager", "other_manager"]
TEAM_READERS = {"manager": OK, "other_manager": OK, "director": OK, "head_office": OK, "admin": OK}
EAST_READERS = {"salesperson": OK, "manager": OK, "director": OK, "head_office": OK, "admin": OK}
EAST_COMMENTERS = {"manager": REDIRECT, "director": REDIRECT, "admin": REDIRECT}


def cases(world):
    report = submitted_report(world.salesperson)
    this_week = weeks.current_week()
    week_url = reverse("reports:weekly_week", args=[this_week.isoformat()])
    future_url = reverse("reports:weekly_week", args=[(this_week + timedelta(days=7)).isoformat()])
    submitted_week_url = reverse("reports:weekly_week", args=[report.week_start.isoformat()])
    report_url = reverse("reports:weekly_report", args=[report.pk])
    comment_url = reverse("reports:weekly_comment", args=[report.pk])
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
    ]
