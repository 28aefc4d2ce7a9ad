from django.urls import reverse
from django.utils import timezone

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
from tests.customers.factories import CustomerFactory
from tests.visits.factories import PlannedVisitFactory, TripPlanFactory, VisitFactory
from visits import services

SELLERS = {
    "salesperson": OK,
    "colleague": OK,
    "other_salesperson": OK,
    "manager": OK,
    "other_manager": OK,
}
APPROVERS = {"manager": OK, "other_manager": OK, "director": OK, "admin": OK}
EAST_VIEWERS = {"manager": OK, "director": OK, "head_office": OK, "admin": OK}


def cases(world):
    customer = CustomerFactory(territory=world.xihu, latitude="30.26", longitude="120.13")
    draft = TripPlanFactory(salesperson=world.salesperson)
    planned = PlannedVisitFactory(plan=draft, customer=customer)
    submitted = TripPlanFactory(salesperson=world.salesperson)
    PlannedVisitFactory(plan=submitted, customer=customer)
    services.submit_trip_plan(plan=submitted, by=world.salesperson)
    visit = VisitFactory(salesperson=world.salesperson, customer=customer)
    own_plan = {"salesperson": REDIRECT}
    today = timezone.localdate().isoformat()
    cases = [
        Case(reverse("visits:plans"), expect(OK)),
        Case(reverse("visits:plan_new"), expect(FORBIDDEN, **SELLERS)),
        Case(
            reverse("visits:plan", args=[draft.pk]),
            expect(NOT_FOUND, salesperson=OK, **EAST_VIEWERS),
        ),
        Case(reverse("visits:plan_edit", args=[draft.pk]), expect(NOT_FOUND, salesperson=OK)),
        Case(
            reverse("visits:planned_add", args=[draft.pk]),
            expect(NOT_FOUND, **own_plan),
            method="post",
            data={"customer": customer.name, "day": draft.starts_on, "purpose": "Demo"},
        ),
        Case(
            reverse("visits:planned_remove", args=[draft.pk, planned.pk]),
            expect(NOT_FOUND, **own_plan),
            method="post",
        ),
        Case(
            reverse("visits:plan_submit", args=[draft.pk]),
            expect(NOT_FOUND, **own_plan),
            method="post",
        ),
        Case(
            reverse("visits:plan_complete", args=[draft.pk]),
            expect(NOT_FOUND, **own_plan),
            method="post",
        ),
        Case(reverse("visits:approvals"), expect(REDIRECT)),  # to "Waiting for me"
        Case(
            reverse("decide_many", args=["trip_plan"]),  # the ticked ones on "Waiting for me"
            expect(
                FORBIDDEN,
                **dict.fromkeys(["manager", "other_manager", "director", "admin"], REDIRECT),
            ),
            method="post",
            data={"records": [submitted.pk], "decision": "approve"},
        ),
        Case(
            reverse("visits:approval_decide", args=[submitted.pk]),
            expect(FORWARD),  # to the one decision address
            method="post",
            data={"decision": "approve"},
        ),
        Case(  # the same decision from the plan page or "Waiting for me", in place
            reverse("decide", args=["trip_plan", submitted.pk]),
            expect(
                NOT_FOUND,
                salesperson=FORBIDDEN,
                head_office=FORBIDDEN,
                **dict.fromkeys(["manager", "director", "admin"], OK),
            ),
            method="post",
            data={"decision": "approve"},
            htmx=True,
        ),
        Case(
            reverse("visits:approval_summary", args=[submitted.pk]),
            expect(NOT_FOUND, salesperson=OK, **EAST_VIEWERS),
            htmx=True,
        ),
        Case(reverse("visits:log"), expect(OK)),
        Case(reverse("visits:visit_new"), expect(FORBIDDEN, **SELLERS)),
        Case(
            reverse("visits:visit_new"),
            expect(FORBIDDEN, **SELLERS),
            method="post",
            data={"customer": customer.name, "visited_at": today, "kind": "phone"},
            htmx=True,
        ),
        Case(reverse("visits:customer_options") + "?customer=胶", expect(OK)),
        Case(reverse("visits:salespeople") + "?salesperson=李", expect(OK)),
        Case(
            reverse("visits:visit_edit", args=[visit.pk]),
            expect(
                NOT_FOUND,
                salesperson=OK,
                manager=OK,
                admin=OK,
                director=FORBIDDEN,
                head_office=FORBIDDEN,
            ),
        ),
        Case(
            reverse("visits:market", args=[world.zhejiang.pk]),
            expect(NOT_FOUND, salesperson=OK, **EAST_VIEWERS),
        ),
    ]
    # The POST half of the GET/POST pages.
    halves = {
        "visits:plan_edit": {},
        "visits:plan_new": {},
        "visits:visit_edit": {},
    }
    return cases + post_halves(cases, halves)
