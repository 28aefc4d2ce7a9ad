"""Celery entry points for customers: thin, idempotent, ids only."""

from celery import shared_task

from customers import classification, import_writing
from customers.models import Customer, ImportBatch


@shared_task(acks_late=True, nightly=True)
def classify_all() -> int:
    """Nightly (beat): every customer's class and next follow-up, set-based (rules.md §4.5)."""
    return classification.reclassify_all()


@shared_task(acks_late=True)
def classify_customer(*, customer_id: int) -> int:
    """Right after one customer's data changed (queued on commit)."""
    return classification.reclassify(Customer.objects.filter(pk=customer_id))


@shared_task(bind=True, acks_late=True)
def run_import(self, *, batch_id: int) -> int:
    """A confirmed prospect list, written in one transaction; the page polls the progress,
    kept under the batch's own task id whichever delivery of the job writes it."""
    task_id = ImportBatch.objects.filter(pk=batch_id).values_list("task_id", flat=True).first()

    def progress(done: int, total: int) -> None:
        if task_id:
            self.update_state(
                task_id=task_id, state="PROGRESS", meta={"done": done, "total": total}
            )

    return import_writing.run_import(batch_id=batch_id, progress=progress)
