class DomainError(Exception):
    """A broken business rule. The message is for the user, already translated.

    `field` names the form field the message belongs next to, when there is one.
    """

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class AlreadyDecided(DomainError):
    """Someone else decided the record first (two approvers at once)."""


class OutsideTerritory(DomainError):
    """The customer is across the user's territory line (rules.md §2.5). `customer` lets the
    page offer the cross-territory request for it."""

    def __init__(self, message, *, customer, field: str | None = None):
        super().__init__(message, field=field)
        self.customer = customer
