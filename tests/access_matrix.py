"""The role × URL matrix's vocabulary. Each app lists its cases in tests/<app>/access_matrix.py
as `def cases(world) -> list[Case]`; tests/test_access_matrix.py runs them all and fails if any
URL of the project has no case."""

from dataclasses import dataclass, field

PERSONAS = [
    "anonymous",
    "salesperson",
    "colleague",
    "other_salesperson",
    "manager",
    "other_manager",
    "director",
    "head_office",
    "admin",
    "outsider",
]

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
FORWARD = 307  # an old address handing a POST on to its new one


def expect(default: int, *, anonymous: int = REDIRECT, **overrides: int) -> dict[str, int]:
    """Expected status for every persona: `default`, anonymous redirected to log in, overrides."""
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {unknown}")
    return {persona: overrides.get(persona, default) for persona in PERSONAS} | {
        "anonymous": anonymous
    }


@dataclass
class Case:
    url: str
    expected: dict[str, int]
    method: str = "get"
    data: dict = field(default_factory=dict)
    htmx: bool = False

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url}"


def post_halves(cases: list[Case], names: dict[str, dict[str, int]]) -> list[Case]:
    """The POST half of GET/POST pages: an empty form posted to the same URL, expected to
    answer like the GET (the form again, or the same refusal) except for `names[view]`."""
    from django.urls import resolve

    halves = []
    for case in cases:
        name = resolve(case.url.split("?")[0]).view_name
        if case.method == "get" and name in names:
            expected = case.expected | names[name]
            halves.append(Case(case.url, expected, method="post", htmx=case.htmx))
    return halves
