"""Prospect list imports (rules.md §3.5): preview, an error per bad line, all or nothing.

The upload keeps the file and its checked lines in an ImportBatch for the preview, where the
user may change which column holds what; confirming queues `tasks.run_import`, which writes
the batch through `import_writing`.
"""

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from customers import tasks
from customers.import_lines import check_lines, find_duplicates, map_columns, read_table
from customers.models import ImportBatch
from salesops import access, audit, ledger
from salesops.errors import DomainError
from salesops.models import User
from territories.models import Territory


@transaction.atomic
def prepare_import(
    *, content: bytes, file_name: str, by: User, default_territory: Territory | None = None
) -> ImportBatch:
    """Read and check every line; keep the result for the preview. Nothing is imported yet."""
    if not access.changeable_territories(by).exists():
        raise DomainError(_("You cannot add customers."))
    batch = ImportBatch(
        created_by=by,
        file_name=file_name[:200],
        content=content,
        default_territory=default_territory,
    )
    dataset, _encoding = read_table(content, file_name)
    _check(batch, dataset, map_columns(dataset.headers or []))
    batch.save()
    audit.record(
        "customers.import.prepared",
        actor=by,
        target=batch,
        changes={"lines": batch.total, "errors": len(batch.errors)},
    )
    return batch


@transaction.atomic
def remap_columns(*, batch: ImportBatch, by: User, mapping: dict[int, str]) -> ImportBatch:
    """The user says which column holds what; every line is checked again."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != by.pk or batch.status != ImportBatch.Status.PREVIEW:
        raise DomainError(_("This import has already been started."))
    dataset, _encoding = read_table(bytes(batch.content), batch.file_name)
    _check(batch, dataset, {index: field for index, field in mapping.items() if field})
    batch.save(update_fields=["columns", "rows", "errors", "duplicates", "total"])
    audit.record(
        "customers.import.remapped", actor=by, target=batch, changes={"columns": batch.columns}
    )
    return batch


def _check(batch: ImportBatch, dataset, mapping: dict[int, str]) -> None:
    rows, errors = check_lines(
        dataset, mapping, by=batch.created_by, default_territory=batch.default_territory
    )
    batch.columns = [
        {"heading": str(heading), "field": mapping.get(index, "")}
        for index, heading in enumerate(dataset.headers or [])
    ]
    batch.rows = [{"line": line, **row} for line, row in rows]
    batch.errors = errors
    batch.duplicates = find_duplicates(rows)
    batch.total = len(rows)


@transaction.atomic
def confirm_import(
    *, batch: ImportBatch, by: User, include_duplicates: bool = False
) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != by.pk or batch.status != ImportBatch.Status.PREVIEW:
        raise DomainError(_("This import has already been started."))
    if batch.errors:
        raise DomainError(_("Fix the lines with errors and upload the file again."))
    if not include_duplicates:
        flagged = {item["line"] for item in batch.duplicates}
        batch.rows = [row for row in batch.rows if row["line"] not in flagged]
    batch.status = ImportBatch.Status.QUEUED
    batch.total = len(batch.rows)
    batch.task_id = str(uuid.uuid4())  # known before the task runs, so the page can poll it
    batch.save(update_fields=["status", "rows", "total", "task_id"])
    audit.record(
        "customers.import.confirmed", actor=by, target=batch, changes={"lines": batch.total}
    )
    ledger.enqueue("customers.import", batch.pk, tasks.run_import, batch_id=batch.pk)
    return batch
