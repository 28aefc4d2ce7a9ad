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
