from django.urls import reverse

from tests.access_matrix import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Case, expect
from tests.scorecards.factories import customer_of

SELLERS = ["salesperson", "colleague", "other_salesperson", "manager", "other_manager"]
LEADS = ["manager", "other_manager", "director", "head_office", "admin"]
# Who sees li's scorecard (an East China salesperson): li, East China's manager and director,
# head office and the admin; everyone else is told it does not exist.
READERS = {"salesperson": OK, "manager": OK, "director": OK, "head_office": OK, "admin": OK}
IN_SCOPE_BUT_READ_ONLY = ["salesperson", "director", "head_office", "admin"]


def cases(world):
    customer = customer_of(world.salesperson)
    person = world.salesperson.pk
    person_url = reverse("scorecards:person", args=[person])
    explain_url = reverse("scorecards:explain", args=[person, "attainment"])
    rate_url = reverse("scorecards:rate", args=[person])
    complain_url = reverse("scorecards:complain", args=[person])
    value_url = reverse("scorecards:customer_value")
    value_export = reverse("scorecards:customer_value_export", args=["csv"])
    team_export = reverse("scorecards:team_export", args=["xlsx"])
    everyone_with_a_book = dict.fromkeys(SELLERS + LEADS, OK)
    return [
        Case(reverse("scorecards:mine"), expect(FORBIDDEN, **dict.fromkeys(SELLERS, OK))),
        Case(reverse("scorecards:mine"), expect(NOT_ALLOWED), method="post"),
        Case(reverse("scorecards:team"), expect(FORBIDDEN, **dict.fromkeys(LEADS, OK))),
        Case(reverse("scorecards:team"), expect(NOT_ALLOWED), method="post"),
        Case(team_export, expect(FORBIDDEN, **dict.fromkeys(LEADS, OK))),
        Case(team_export, expect(NOT_ALLOWED), method="post"),
        Case(person_url, expect(NOT_FOUND, **READERS)),
        Case(person_url, expect(NOT_ALLOWED), method="post"),
        Case(explain_url, expect(NOT_FOUND, **READERS), htmx=True),
        Case(explain_url, expect(NOT_ALLOWED), method="post"),
        Case(
            rate_url,
            expect(NOT_FOUND, manager=REDIRECT, **dict.fromkeys(IN_SCOPE_BUT_READ_ONLY, FORBIDDEN)),
            method="post",
            data={"month": "2026-01", "score": "4", "note": "steady"},
        ),
        Case(rate_url, expect(NOT_ALLOWED)),
        Case(
            complain_url,
            expect(
                NOT_FOUND,
                salesperson=FORBIDDEN,
                head_office=FORBIDDEN,
                admin=FORBIDDEN,
                manager=REDIRECT,
                director=REDIRECT,
            ),
            method="post",
            data={
                "customer": f"{customer.name} #{customer.pk}",
                "received_on": "2026-01-05",
                "summary": "送货太慢",
            },
        ),
        Case(complain_url, expect(NOT_ALLOWED)),
        Case(value_url, expect(FORBIDDEN, **everyone_with_a_book)),
        Case(value_url, expect(NOT_ALLOWED), method="post"),
        Case(value_export, expect(FORBIDDEN, **everyone_with_a_book)),
        Case(value_export, expect(NOT_ALLOWED), method="post"),
    ]
