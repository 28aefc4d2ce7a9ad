"""Queue a task once the surrounding transaction commits (architecture.md "Background work")."""

from functools import partial

from django.db import transaction


def on_commit(task, **kwargs) -> None:
    transaction.on_commit(partial(task.delay, **kwargs))
