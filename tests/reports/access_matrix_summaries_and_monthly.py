"""The weekly team summary, the monthly work report and the reports' PDFs in the role × URL
matrix."""

from django.urls import reverse

from reports import services, weeks
from salesops.months import add_months, current_month
from tests.access_matrix import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, expect
from tests.reports.access_matrix import EAST_READERS, SELLERS, TEAM_READERS
from tests.reports.factories import last_week, submitted_report

MANAGERS = ["manager", "other_manager"]
EAST_SUMMARY_READERS = {"manager": OK, "director": OK, "head_office": OK, "admin": OK}


def _summary(world):
    summary = services.save_region_summary(
        region=world.east, week_start=last_week(), by=world.manager, team_review="本周小结"
    )
    return services.submit_region_summary(summary=summary, by=world.manager)


def _monthly(world):
    month = add_months(current_month(), -1)
    report = services.save_monthly_report(
        salesperson=world.salesperson, month=month, by=world.salesperson, review="月度回顾"
    )
    return services.submit_monthly_report(report=report, by=world.salesperson)


def _summary_cases(world) -> list[Case]:
    summary = _summary(world)
    this_week = weeks.current_week().isoformat()
    future = (weeks.current_week() + (weeks.current_week() - last_week())).isoformat()
    write = reverse("reports:summary_week", args=[this_week])
    submitted_write = reverse("reports:summary_week", args=[last_week().isoformat()])
    detail = reverse("reports:summary", args=[summary.pk])
    comment = reverse("reports:summary_comment", args=[summary.pk])
    pdf = reverse("reports:summary_pdf", args=[summary.pk])
    draft = {"team_review": "x", "save": "1"}
    return [
        Case(reverse("reports:summaries"), expect(FORBIDDEN, **TEAM_READERS)),
        Case(reverse("reports:summaries"), expect(NOT_ALLOWED), method="post"),
        Case(write, expect(FORBIDDEN, **dict.fromkeys(MANAGERS, OK))),
        Case(write, expect(FORBIDDEN, **dict.fromkeys(MANAGERS, REDIRECT)), "post", draft),
        Case(submitted_write, expect(FORBIDDEN, manager=REDIRECT, other_manager=OK)),
        Case(
            submitted_write,
            expect(FORBIDDEN, **dict.fromkeys(MANAGERS, REDIRECT)),  # the author: told, unchanged
            method="post",
            data=draft,
        ),
        Case(
            reverse("reports:summary_week", args=[future]),
            expect(FORBIDDEN, **dict.fromkeys(MANAGERS, NOT_FOUND)),
        ),
        Case(detail, expect(NOT_FOUND, **EAST_SUMMARY_READERS)),
        Case(detail, expect(NOT_ALLOWED), method="post"),
        Case(
            comment,
            expect(
                NOT_FOUND,
                manager=FORBIDDEN,
                head_office=FORBIDDEN,
                director=REDIRECT,
                admin=REDIRECT,
            ),
            method="post",
            data={"body": "阅"},
        ),
        Case(comment, expect(NOT_ALLOWED)),
        Case(pdf, expect(NOT_FOUND, **EAST_SUMMARY_READERS)),
        Case(pdf, expect(NOT_ALLOWED), method="post"),
    ]


def _monthly_cases(world) -> list[Case]:
    report = _monthly(world)
    this_month = f"{current_month():%Y-%m}"
    write = reverse("reports:monthly_month", args=[this_month])
    submitted_write = reverse("reports:monthly_month", args=[f"{report.month:%Y-%m}"])
    future = reverse("reports:monthly_month", args=[f"{add_months(current_month(), 1):%Y-%m}"])
    detail = reverse("reports:monthly_report", args=[report.pk])
    comment = reverse("reports:monthly_comment", args=[report.pk])
    pdf = reverse("reports:monthly_pdf", args=[report.pk])
    draft = {"review": "x", "save": "1"}
    sellers_redirect = dict.fromkeys(SELLERS, REDIRECT)
    return [
        Case(reverse("reports:monthly"), expect(OK)),
        Case(reverse("reports:monthly"), expect(NOT_ALLOWED), method="post"),
        Case(reverse("reports:monthly_current"), expect(FORBIDDEN, **sellers_redirect)),
        Case(reverse("reports:monthly_current"), expect(NOT_ALLOWED), method="post"),
        Case(write, expect(FORBIDDEN, **dict.fromkeys(SELLERS, OK))),
        Case(write, expect(FORBIDDEN, **sellers_redirect), method="post", data=draft),
        Case(
            submitted_write,
            expect(FORBIDDEN, **(dict.fromkeys(SELLERS, OK) | {"salesperson": REDIRECT})),
        ),
        Case(
            submitted_write,
            expect(FORBIDDEN, **sellers_redirect),  # the author: told, unchanged
            method="post",
            data=draft,
        ),
        Case(future, expect(FORBIDDEN, **dict.fromkeys(SELLERS, NOT_FOUND))),
        Case(reverse("reports:monthly_team"), expect(FORBIDDEN, **TEAM_READERS)),
        Case(reverse("reports:monthly_team"), expect(NOT_ALLOWED), method="post"),
        Case(detail, expect(NOT_FOUND, **EAST_READERS)),
        Case(detail, expect(NOT_ALLOWED), method="post"),
        Case(
            comment,
            expect(
                NOT_FOUND,
                salesperson=FORBIDDEN,
                head_office=FORBIDDEN,
                manager=REDIRECT,
                director=REDIRECT,
                admin=REDIRECT,
            ),
            method="post",
            data={"body": "阅"},
        ),
        Case(comment, expect(NOT_ALLOWED)),
        Case(pdf, expect(NOT_FOUND, **EAST_READERS)),
        Case(pdf, expect(NOT_ALLOWED), method="post"),
    ]


def _weekly_pdf_cases(world) -> list[Case]:
    report = submitted_report(world.colleague)
    pdf = reverse("reports:weekly_pdf", args=[report.pk])
    readers = EAST_READERS | {"salesperson": NOT_FOUND, "colleague": OK}
    return [
        Case(pdf, expect(NOT_FOUND, **readers)),
        Case(pdf, expect(NOT_ALLOWED), method="post"),
    ]


def cases(world):
    return [*_summary_cases(world), *_monthly_cases(world), *_weekly_pdf_cases(world)]
