"""Row history for writes made outside a request (docs/architecture.md, "The audit trail").

The history triggers ask the session two things on every row they record: which triggers to
skip (`pgtrigger.ignore`, set for every connection in the settings) and which context the change
belongs to (`pghistory.context_id`, set for a request by the history middleware). When either is
unset, PostgreSQL raises and catches an error inside the trigger, once per row: that made a
bulk write of tracked rows five to six times slower than the write itself (10,000 sale lines:
5.6 s, against 0.95 s with both set). A job therefore runs inside a context of its own, which
also records in the history which job made each change.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pghistory
from django.db import connection


@contextmanager
def job_context(job: str) -> Iterator[None]:
    """Group the history rows the job writes under one context naming the job. SQLite keeps no
    row history (its statements cannot carry the context), so there it does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with pghistory.context(job=job):
        yield


def add_to_context(**metadata) -> None:
    """Add facts (the person a job acts for) to the context already entered, if any."""
    pghistory.context(**metadata)
