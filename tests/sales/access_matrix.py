from django.urls import reverse

from tests.access_matrix import FORBIDDEN, OK, Case, expect, post_halves

# rules.md §7.1: sales come in through head office only (managers read them).
IMPORTERS = {"head_office": OK}


def cases(world):
    cases = [
        Case(reverse("sales:list"), expect(OK)),
        Case(reverse("sales:import"), expect(FORBIDDEN, **IMPORTERS)),
        Case(reverse("sales:new"), expect(FORBIDDEN, **IMPORTERS)),
    ]
    # The POST half of the GET/POST pages.
    halves = {
        "sales:import": {},
        "sales:new": {},
    }
    return cases + post_halves(cases, halves)
