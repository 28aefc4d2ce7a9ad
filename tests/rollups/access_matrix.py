"""The region rollup: managers, directors, head office and the admin read it, each within their
regions (outside: 404); salespeople and people without a role are refused (403)."""

from django.urls import reverse

from salesops.months import current_month
from tests.access_matrix import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, Case, expect

LEADS = ["manager", "other_manager", "director", "head_office", "admin"]


def cases(world):
    month = f"{current_month():%Y-%m}"
    rollup = reverse("rollups:rollup", kwargs={"month": month})
    east = f"?region={world.east.code}"
    south_area = f"?area={world.guangdong.pk}"
    explain = reverse("rollups:explain", kwargs={"month": month, "measure": "sales"})
    export = reverse("rollups:export", kwargs={"month": month, "file_format": "xlsx"})
    rows = reverse(
        "rollups:explain_export", kwargs={"month": month, "measure": "visits", "file_format": "csv"}
    )
    pdf = reverse("rollups:pdf", kwargs={"month": month})
    leads = dict.fromkeys(LEADS, OK)
    east_readers = leads | {"other_manager": NOT_FOUND}
    south_readers = leads | {"manager": NOT_FOUND}
    return [
        Case(reverse("rollups:latest"), expect(FORBIDDEN, **dict.fromkeys(LEADS, OK))),
        Case(reverse("rollups:latest"), expect(NOT_ALLOWED), method="post"),
        Case(rollup, expect(FORBIDDEN, **leads)),
        Case(rollup + east, expect(FORBIDDEN, **east_readers)),
        Case(rollup, expect(NOT_ALLOWED), method="post"),
        Case(explain + south_area, expect(FORBIDDEN, **south_readers), htmx=True),
        Case(explain + south_area, expect(NOT_ALLOWED), method="post", htmx=True),
        Case(export + east, expect(FORBIDDEN, **east_readers)),
        Case(export + east, expect(NOT_ALLOWED), method="post"),
        Case(rows + east, expect(FORBIDDEN, **east_readers)),
        Case(rows + east, expect(NOT_ALLOWED), method="post"),
        Case(pdf, expect(FORBIDDEN, **leads)),
        Case(pdf, expect(NOT_ALLOWED), method="post"),
    ]
