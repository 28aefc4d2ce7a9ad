from django.urls import reverse

from tests.access_matrix import FORBIDDEN, OK, Case, expect

IMPORTERS = {"manager": OK, "other_manager": OK, "head_office": OK, "admin": OK}


def cases(world):
    return [
        Case(reverse("sales:list"), expect(OK)),
        Case(reverse("sales:import"), expect(FORBIDDEN, **IMPORTERS)),
        Case(reverse("sales:new"), expect(FORBIDDEN, **IMPORTERS)),
    ]
