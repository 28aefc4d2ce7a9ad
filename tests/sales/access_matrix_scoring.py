from django.urls import reverse

from sales.models import Bonus, ScoringRun
from tests.access_matrix import FORBIDDEN, NOT_FOUND, OK, REDIRECT, Case, expect

SELLERS = {
    "salesperson": OK,
    "colleague": OK,
    "other_salesperson": OK,
    "manager": OK,
    "other_manager": OK,
}
LEADS = {"manager": OK, "other_manager": OK, "director": OK, "head_office": OK, "admin": OK}
EAST_LEADS = {"manager": OK, "director": OK, "head_office": OK, "admin": OK}


def cases(world):
    run = ScoringRun.objects.create(
        started_by=world.manager, first_month="2025-07-01", last_month="2025-07-01"
    )
    grid = reverse("sales:quota_grid", args=["east-china"])
    dealers = reverse("sales:dealer_targets", args=["east-china"])
    bonus = Bonus.objects.create(
        salesperson=world.salesperson, month="2025-07-01", region=world.east, amount=1000
    )
    # rules.md §7.7: the director decides bonuses; head office and the admin follow them.
    bonus_readers = {"director": OK, "head_office": OK, "admin": OK}
    return [
        Case(reverse("sales:bonuses"), expect(FORBIDDEN, **bonus_readers)),
        Case(reverse("sales:bonus_export", args=["csv"]), expect(FORBIDDEN, **bonus_readers)),
        Case(
            reverse("sales:bonus_decide", args=[bonus.pk]),
            expect(FORBIDDEN, **dict.fromkeys(bonus_readers, REDIRECT)),
            method="post",
            data={"decision": "approve"},
        ),
        Case(reverse("sales:my_attainment"), expect(FORBIDDEN, **SELLERS)),
        Case(reverse("sales:team_attainment"), expect(FORBIDDEN, **LEADS)),
        Case(
            reverse("sales:run_scoring"),
            expect(FORBIDDEN, **dict.fromkeys(LEADS, REDIRECT)),
            method="post",
            data={"first_month": "2025-07", "last_month": "2025-08"},
        ),
        Case(
            reverse("sales:scoring_run", args=[run.pk]),
            expect(NOT_FOUND, manager=OK, head_office=OK, admin=OK),
        ),
        Case(
            reverse("sales:quotas"),
            expect(FORBIDDEN, **dict.fromkeys(LEADS, REDIRECT)),
        ),
        Case(grid, expect(FORBIDDEN, other_manager=NOT_FOUND, **EAST_LEADS)),
        Case(
            grid,
            expect(
                FORBIDDEN,
                other_manager=NOT_FOUND,
                director=REDIRECT,
                admin=REDIRECT,
            ),
            method="post",
            data={"save": "1"},
        ),
        Case(dealers, expect(FORBIDDEN, other_manager=NOT_FOUND, **EAST_LEADS)),
        Case(
            dealers,
            expect(
                FORBIDDEN,
                other_manager=NOT_FOUND,
                director=REDIRECT,
                admin=REDIRECT,
            ),
            method="post",
            data={"save": "1"},
        ),
    ]
