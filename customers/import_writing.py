"""Writing a confirmed prospect list (rules.md §3.5): every line in one transaction, with
progress reported as it goes; run by `tasks.run_import`."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import classification
from customers.models import Contact, Customer, ImportBatch
from customers.normalize import normalize_name, normalize_phone
from salesops import access, audit
from salesops.errors import DomainError
from salesops.models import User

WRITE_CHUNK = 500


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
