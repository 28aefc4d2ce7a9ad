from django.urls import reverse

from customers.models import Handover, ImportBatch
from tests.access_matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    PERSONAS,
    REDIRECT,
    Case,
    expect,
    post_halves,
)
from tests.customers.factories import ContactFactory, CustomerFactory

# Who sees a Ningbo (Zhejiang, East China) customer, and who may change it.
SEE = {"salesperson": OK, "manager": OK, "director": OK, "head_office": OK, "admin": OK}
CHANGE = {"salesperson": OK, "manager": OK, "director": OK, "admin": OK, "head_office": FORBIDDEN}
CHANGE_POST = {key: REDIRECT if value == OK else value for key, value in CHANGE.items()}
SELLERS_AND_MANAGERS = {
    "salesperson": OK,
    "colleague": OK,
    "other_salesperson": OK,
    "manager": OK,
    "other_manager": OK,
    "director": OK,
    "admin": OK,
}
MANAGERS = {"manager": OK, "other_manager": OK, "director": OK, "admin": OK}
EAST_HANDOVER_READERS = {"manager": OK, "director": OK, "head_office": OK, "admin": OK}


def cases(world):
    customer = CustomerFactory(territory=world.ningbo, owner=world.salesperson)
    contact = ContactFactory(customer=customer)
    preview = ImportBatch.objects.create(created_by=world.salesperson, file_name="list.csv")
    finished = ImportBatch.objects.create(
        created_by=world.salesperson, file_name="done.csv", status=ImportBatch.Status.DONE
    )
    handover = Handover.objects.create(
        from_person=world.salesperson,
        to_person=world.colleague,
        region=world.east,
        recorded_by=world.manager,
    )
    handover.customers.add(customer)
    cases = [
        Case(reverse("customers:list"), expect(OK)),
        Case(reverse("customers:list") + "?customer_class=A&follow_up=overdue", expect(OK)),
        Case(reverse("customers:export", args=["csv"]), expect(OK)),
        Case(reverse("customers:owners") + "?owner=王", expect(OK)),
        Case(reverse("customers:new"), expect(FORBIDDEN, **SELLERS_AND_MANAGERS)),
        Case(reverse("customers:detail", args=[customer.pk]), expect(NOT_FOUND, **SEE)),
        Case(reverse("customers:edit", args=[customer.pk]), expect(NOT_FOUND, **CHANGE)),
        Case(
            reverse("customers:contact_add", args=[customer.pk]),
            expect(NOT_FOUND, **CHANGE_POST),
            method="post",
            data={"name": "赵工", "phone": "13912345678"},
        ),
        Case(
            reverse("customers:contact_remove", args=[customer.pk, contact.pk]),
            expect(NOT_FOUND, **CHANGE_POST),
            method="post",
        ),
        Case(
            reverse("customers:reassign", args=[customer.pk]),
            expect(
                NOT_FOUND,
                manager=OK,
                director=OK,
                admin=OK,
                salesperson=FORBIDDEN,
                head_office=FORBIDDEN,
            ),
        ),
        Case(reverse("customers:credit", args=[customer.pk]), expect(NOT_FOUND, **SEE)),
        Case(reverse("customers:import"), expect(FORBIDDEN, **SELLERS_AND_MANAGERS)),
        Case(
            reverse("customers:import_preview", args=[preview.pk]),
            expect(NOT_FOUND, salesperson=OK),
        ),
        Case(
            reverse("customers:import_columns", args=[preview.pk]),
            expect(NOT_FOUND, salesperson=REDIRECT),
            method="post",
            data={"column_0": "name"},
        ),
        Case(
            reverse("customers:import_status", args=[finished.pk]),
            expect(NOT_FOUND, salesperson=OK),
        ),
        Case(
            reverse("customers:handovers"),
            expect(FORBIDDEN, **MANAGERS, head_office=OK),
        ),
        Case(reverse("customers:handover_new"), expect(FORBIDDEN, **MANAGERS)),
        Case(
            reverse("customers:handover", args=[handover.pk]),
            expect(NOT_FOUND, **EAST_HANDOVER_READERS),
        ),
        Case(
            reverse("customers:handover_export", args=[handover.pk, "xlsx"]),
            expect(NOT_FOUND, **EAST_HANDOVER_READERS),
        ),
        Case(reverse("customers:competitors"), expect(OK)),
    ]
    # The POST half of the GET/POST pages.
    halves = {
        "customers:competitors": {  # files an observation (none here): back to the page
            **dict.fromkeys(PERSONAS, REDIRECT),
            "head_office": FORBIDDEN,
            "outsider": FORBIDDEN,
        },
        "customers:credit": {"head_office": FORBIDDEN},  # reads, never writes
        "customers:edit": {},
        "customers:handover_new": {},
        "customers:import": {},
        "customers:import_preview": {"salesperson": REDIRECT},
        "customers:new": {},
        "customers:reassign": {},
    }
    return cases + post_halves(cases, halves)
