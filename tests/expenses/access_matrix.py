from datetime import date
from decimal import Decimal

from django.urls import reverse

from expenses.models import ExpenseClaim, ExpenseItem
from tests.access_matrix import (
    FORBIDDEN,
    FORWARD,
    NOT_FOUND,
    OK,
    REDIRECT,
    Case,
    expect,
    post_halves,
)
from visits.models import TripPlan

SELLERS = {
    "salesperson": REDIRECT,
    "colleague": REDIRECT,
    "other_salesperson": REDIRECT,
    "manager": REDIRECT,
    "other_manager": REDIRECT,
}
EAST_VIEWERS = {"manager": OK, "director": OK, "head_office": OK, "admin": OK}
EAST_READ_ONLY = {
    "manager": FORBIDDEN,
    "director": FORBIDDEN,
    "head_office": FORBIDDEN,
    "admin": FORBIDDEN,
}


def _claims(world):
    draft = ExpenseClaim.objects.create(
        salesperson=world.salesperson, region=world.east, month=date(2025, 7, 1)
    )
    item = ExpenseItem.objects.create(
        claim=draft,
        spent_on=date(2025, 7, 3),
        category="transport",
        amount=Decimal("120"),
        invoice_number="MATRIX-1",
    )
    submitted = ExpenseClaim.objects.create(
        salesperson=world.salesperson,
        region=world.east,
        month=date(2025, 8, 1),
        status=ExpenseClaim.Status.SUBMITTED,
        decision_due_on=date(2025, 9, 3),
    )
    return draft, item, submitted


def cases(world):
    draft, item, submitted = _claims(world)
    plan = TripPlan.objects.create(
        salesperson=world.salesperson,
        region=world.east,
        title="Ningbo",
        starts_on=date(2025, 7, 14),
        ends_on=date(2025, 7, 15),
    )
    owner_only = expect(NOT_FOUND, salesperson=REDIRECT, **EAST_READ_ONLY)
    new_item = {
        "spent_on": "2025-07-04",
        "category": "lodging",
        "amount": "300",
        "invoice_number": "MATRIX-2",
    }
    cases = [
        Case(reverse("expenses:claims"), expect(OK)),
        Case(
            reverse("expenses:open"),
            expect(FORBIDDEN, **SELLERS),
            method="post",
            data={"month": "2025-07"},
        ),
        Case(
            reverse("expenses:claim", args=[draft.pk]),
            expect(NOT_FOUND, salesperson=OK, **EAST_VIEWERS),
        ),
        Case(
            reverse("expenses:item_add", args=[draft.pk]),
            owner_only,
            method="post",
            data=new_item,
        ),
        Case(reverse("expenses:item_remove", args=[item.pk]), owner_only, method="post"),
        Case(reverse("expenses:submit", args=[draft.pk]), owner_only, method="post"),
        Case(
            reverse("expenses:decide", args=[submitted.pk]),
            expect(FORWARD),  # to the one decision address
            method="post",
            data={"decision": "approve"},
        ),
        Case(
            reverse("decide", args=["expense_claim", submitted.pk]),
            expect(
                NOT_FOUND,
                salesperson=FORBIDDEN,
                manager=OK,
                admin=OK,
                director=OK,
                head_office=FORBIDDEN,
            ),
            method="post",
            data={"decision": "approve"},
            htmx=True,
        ),
        Case(reverse("expenses:queue"), expect(REDIRECT)),  # to "Waiting for me"
        Case(reverse("expenses:advances"), expect(OK)),
        Case(
            reverse("expenses:plan_spend", args=[plan.pk]),
            expect(NOT_FOUND, salesperson=OK, **EAST_VIEWERS),
        ),
        Case(reverse("expenses:spend_summary"), expect(OK)),
    ]
    # The POST half of the GET/POST pages.
    halves = {
        "expenses:advances": dict.fromkeys(  # only sellers take advances
            ["director", "head_office", "admin", "outsider"], FORBIDDEN
        ),
    }
    return cases + post_halves(cases, halves)
