"""Writing a confirmed prospect list (rules.md §3.5): every line in one transaction, with
progress reported as it goes; run by `tasks.run_import` as a job of the ledger.

The batch moves from queued to done inside that one transaction, under a row lock: a worker
that dies mid-import leaves it queued with nothing written, and the job, delivered again (or
published again by the sweeper), imports it from the stored lines as a clean run would."""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import classification
from customers.models import Contact, Customer, ImportBatch
from customers.normalize import normalize_name, normalize_phone
from salesops import access, audit, ledger
from salesops.errors import DomainError
from salesops.models import User

WRITE_CHUNK = 500


def run_import(*, batch_id: int, progress: Callable[[int, int], None] | None = None) -> int:
    """Write a confirmed batch: every line or none (rules.md §3.5). Safe to run twice."""
    try:
        return _write_batch(batch_id, progress or (lambda done, total: None))
    except Exception as error:
        if _gives_up(error):
            ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
                status=ImportBatch.Status.FAILED, finished_at=timezone.now()
            )
        raise


def _gives_up(error: Exception) -> bool:
    """A refusal fails the batch at once; anything else is tried again by the ledger until its
    last attempt."""
    job = ledger.current()
    return (
        isinstance(error, DomainError) or job is None or job.attempts >= settings.JOB_MAX_ATTEMPTS
    )


@transaction.atomic
def _write_batch(batch_id: int, progress: Callable[[int, int], None]) -> int:
    batch = (
        ImportBatch.objects.select_for_update()
        .select_related("created_by")
        .filter(pk=batch_id, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING])
        .first()
    )
    if batch is None:
        return 0  # already imported, or failed: a duplicate delivery changes nothing
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
