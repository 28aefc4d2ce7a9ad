"""The audit trail: every service that changes state calls `record` inside its transaction."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from salesops.models import AuditEntry, User


def record(
    action: str,
    *,
    actor: User | None,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Must run inside the caller's transaction, so both land or neither."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    entry = AuditEntry(action=action, actor=actor, changes=_jsonable(changes or {}))
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target)
        entry.target_id = str(target.pk)
        entry.target_label = str(target)[:200]
    entry.save()
    return entry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, models.Model):
        return {"id": value.pk, "label": str(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
