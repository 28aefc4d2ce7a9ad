"""Periodic mail sent once per kind, period and recipient (docs/architecture.md "Mail").

A job that builds a monthly or weekly mail may run twice (a retry, the sweeper, a second beat):
`send_once` claims the ledger row and sends in one transaction, so a second run finds the row
and sends nothing, and a failed send leaves no row behind and is tried again next run.
"""

from collections.abc import Callable

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from salesops.models import SentMail


def already_sent(kind: str, period: str, recipient: str) -> bool:
    return SentMail.objects.filter(kind=kind, period=period, recipient=recipient).exists()


def send_once(kind: str, period: str, recipient: str, build: Callable[[], EmailMessage]) -> bool:
    """Send the message `build()` makes unless this kind and period already went to the
    recipient. Returns whether a mail left now. `build` runs only when the mail is due, so a
    second run costs one query."""
    if already_sent(kind, period, recipient):
        return False
    try:
        with transaction.atomic():
            # A concurrent run holding the same key waits here and then fails the insert.
            SentMail.objects.create(kind=kind, period=period, recipient=recipient)
            build().send()
    except IntegrityError:
        return False
    return True
