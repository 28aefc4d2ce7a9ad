"""Prospect list imports (rules.md §3.5): preview, an error per bad line, all or nothing.

The upload keeps the file and its checked lines in an ImportBatch for the preview, where the
user may change which column holds what; confirming queues `tasks.run_import`, which writes
every line in one transaction and reports progress to the page through the task's state.
"""

import uuid
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import classification
from customers.import_lines import check_lines, find_duplicates, map_columns, read_table
from customers.models import Contact, Customer, ImportBatch
from customers.normalize import normalize_name, normalize_phone
from salesops import access, audit
from salesops.errors import DomainError
from salesops.models import User
from territories.models import Territory

WRITE_CHUNK = 500


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
    from customers import tasks

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
    transaction.on_commit(
        partial(tasks.run_import.apply_async, kwargs={"batch_id": batch.pk}, task_id=batch.task_id)
    )
    return batch


def run_import(*, batch_id: int, progress: Callable[[int, int], None] | None = None) -> int:
    """Write a confirmed batch: every line or none (rules.md §3.5). Safe to run twice."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING
    )
    if claimed != 1:
        return 0  # already imported (or being imported): a retry changes nothing
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    try:
        created = _write_batch(batch, progress or (lambda done, total: None))
    except Exception:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, finished_at=timezone.now()
        )
        raise
    return created


@transaction.atomic
def _write_batch(batch: ImportBatch, progress: Callable[[int, int], None]) -> int:
    allowed = set(access.changeable_territories(batch.created_by).values_list("pk", flat=True))
    owner = batch.created_by if batch.created_by.sells else None
    created_ids = []
    for start in range(0, len(batch.rows), WRITE_CHUNK):
        chunk = batch.rows[start : start + WRITE_CHUNK]
        customers = [_customer(row, owner, allowed) for row in chunk]
        Customer.objects.bulk_create(customers)
        Contact.objects.bulk_create(
            [
                Contact(
                    customer=customer,
                    normalized_phone=normalize_phone(row["contact"]["phone"]),
                    **row["contact"],
                )
                for customer, row in zip(customers, chunk, strict=True)
                if row["contact"]["name"]
            ]
        )
        created_ids.extend(customer.pk for customer in customers)
        progress(start + len(chunk), len(batch.rows))
    classification.reclassify(Customer.objects.filter(pk__in=created_ids))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.DONE, done=len(created_ids), finished_at=timezone.now()
    )
    audit.record(
        "customers.import.done",
        actor=batch.created_by,
        target=batch,
        changes={"created": len(created_ids)},
    )
    return len(created_ids)


def _customer(row: dict, owner: User | None, allowed: set[int]) -> Customer:
    if row["territory_id"] not in allowed:
        raise DomainError(_("Line %(n)s: the territory is no longer yours.") % {"n": row["line"]})
    fields = {key: value for key, value in row.items() if key not in ("line", "contact")}
    return Customer(
        **fields,
        owner=owner,
        normalized_name=normalize_name(row["name"]),
        normalized_phone=normalize_phone(row["phone"]),
    )
