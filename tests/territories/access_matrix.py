from django.urls import reverse

from territories.models import CrossTerritoryRequest
from tests.access_matrix import (
    FORBIDDEN,
    FORWARD,
    NOT_FOUND,
    OK,
    Case,
    expect,
    post_halves,
)
from tests.customers.factories import CustomerFactory

EAST_VIEWERS = {"manager": OK, "director": OK, "head_office": OK, "admin": OK}


def cases(world):
    east_customer = CustomerFactory(territory=world.ningbo, owner=world.salesperson)
    pending = CrossTerritoryRequest.objects.create(
        requester=world.colleague, customer=east_customer, reason="Their head office is in Nanjing"
    )
    active = world.salesperson.assignments.get()
    cases = [
        # One region each: salespeople and managers see their region's page at once.
        Case(reverse("territories:regions"), expect(OK)),
        Case(
            reverse("territories:region", args=["east-china"]),
            expect(NOT_FOUND, salesperson=OK, colleague=OK, **EAST_VIEWERS),
        ),
        Case(
            reverse("territories:children", args=[world.zhejiang.pk]),
            expect(NOT_FOUND, salesperson=OK, **EAST_VIEWERS),
        ),
        Case(
            reverse("territories:assign", args=[world.ningbo.pk]),
            expect(NOT_FOUND, manager=OK, director=OK, admin=OK),
        ),
        Case(
            reverse("territories:draw", args=[world.ningbo.pk]),
            expect(NOT_FOUND, manager=OK, director=OK, admin=OK),
        ),
        Case(
            reverse("territories:end_assignment", args=[active.pk]),
            expect(NOT_FOUND, manager=OK, director=OK, admin=OK),
        ),
        Case(reverse("territories:requests"), expect(OK)),
        Case(reverse("territories:request_customers") + "?customer=胶", expect(OK)),
        Case(
            reverse("territories:request_new"),
            expect(
                FORBIDDEN,
                salesperson=OK,
                colleague=OK,
                other_salesperson=OK,
                manager=OK,
                other_manager=OK,
            ),
        ),
        Case(
            reverse("territories:request_decide", args=[pending.pk]),
            expect(FORWARD),  # to the one decision address
            method="post",
            data={"decision": "approve"},
        ),
        Case(
            reverse("decide", args=["cross_territory_request", pending.pk]),
            expect(
                NOT_FOUND,
                colleague=FORBIDDEN,
                director=FORBIDDEN,
                manager=OK,
                head_office=FORBIDDEN,
                admin=OK,
            ),
            method="post",
            data={"decision": "approve"},
            htmx=True,
        ),
    ]
    # The POST half of the GET/POST pages.
    halves = {
        "territories:assign": {},
        "territories:draw": {},
        "territories:end_assignment": {},
        "territories:request_new": {},
    }
    return cases + post_halves(cases, halves)
