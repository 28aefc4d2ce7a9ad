"""Every change to sales records: the import (CSV/XLSX) and hand-entered corrections
(rules.md §7.1).

A file is stored and imported by a background job (`sales_import_runs.start_sales_import` →
the worker's `run_sales_import`), which checks the lines with progress and writes them in one
transaction; a hand entry is checked and written inside the request (`enter_sale`).

An import is all or nothing: every line is checked first and any bad line is reported by its
line number with nothing saved. Lines are keyed by (order number, line), so importing the same
file again changes nothing, and a corrected line replaces the old one.

On PostgreSQL the lines are staged with COPY and checked and written set-based
(`import_staged`); SQLite, the embedded default, checks and writes them from Python
(`import_listed`). Both give the same messages and counts.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.models import Sale, SalesImport
from sales.sale_lines import CENT, read_content
from sales.services.import_listed import Changes, ListedSales, RefusedLines
from sales.services.import_staged import StagedSales
from sales.signals import months_changed
from salesops import access, audit, history, ledger
from salesops.errors import DomainError
from salesops.models import User


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sales_import: SalesImport | None = None


class SalesImportRefused(DomainError):
    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(_("The file has errors; nothing was imported."), field="file")
        self.errors = errors


def can_import_sales(user: User) -> bool:
    """rules.md §7.1: bringing sales in, by import or by hand, is head office's job."""
    return access.brings_sales_in(user)


# --- writing --------------------------------------------------------------------------------


def require_importer(by: User) -> None:
    if not can_import_sales(by):
        raise DomainError(_("Only head office brings sales in."))


@contextmanager
def _checked(rows: list[dict], by: User, progress=None):
    """Every line checked, set-based on PostgreSQL (`import_staged`), line by line elsewhere
    (`import_listed`): the same messages and counts either way."""
    if not rows:
        raise DomainError(_("The file has no lines."), field="file")
    lines = StagedSales if connection.vendor == "postgresql" else ListedSales
    try:
        with lines.checked(rows, by=by, progress=progress) as checked:
            yield checked
    except RefusedLines as refusal:
        raise SalesImportRefused(refusal.errors) from None


@transaction.atomic
def import_sales(*, rows: list[dict], by: User, file_name: str, checksum: str = "") -> ImportResult:
    """Import order lines (rules.md §7.1) at once: every line checked (nothing is written if
    any is wrong), then written by `_write_checked`."""
    require_importer(by)
    record = SalesImport(file_name=file_name[:200], checksum=checksum, imported_by=by)
    with _checked(rows, by) as lines:
        return _write_checked(lines, by=by, record=record)


# --- the import job ------------------------------------------------------------------------


def run_sales_import(*, import_id: int) -> int:
    """The job: read the stored file, check every line (the page shows how many), then write
    them all in one transaction. Bad lines end it as failed, each kept with its line number.
    Safe to run twice: an import that ended is left alone, and the write is keyed."""
    record = (
        SalesImport.objects.select_related("imported_by")
        .filter(pk=import_id, status__in=[SalesImport.Status.QUEUED, SalesImport.Status.RUNNING])
        .first()
    )
    if record is None:
        return 0
    progress = SalesImport.objects.filter(pk=import_id)
    history.add_to_context(user=record.imported_by_id)  # the history says whose import it was
    try:
        rows = read_content(bytes(record.content), record.file_name)
        progress.update(status=SalesImport.Status.RUNNING, total=len(rows), done=0)
        with _checked(rows, record.imported_by, lambda done: progress.update(done=done)) as lines:
            result = _write_job(record, lines)
    except SalesImportRefused as refusal:
        return _fail(record, [{"line": line, "message": text} for line, text in refusal.errors])
    except DomainError as error:
        return _fail(record, [{"line": None, "message": str(error.message)}])
    except Exception:
        if _last_attempt():  # otherwise the ledger tries again, from the stored file
            _fail(
                record, [{"line": None, "message": _("The import stopped; upload the file again.")}]
            )
        raise
    return result.created + result.updated


def _last_attempt() -> bool:
    job = ledger.current()
    return job is None or job.attempts >= settings.JOB_MAX_ATTEMPTS


@transaction.atomic
def _write_job(record: SalesImport, lines: ListedSales | StagedSales) -> ImportResult:
    # The import's end is decided under its row lock, in the write's own transaction.
    locked = SalesImport.objects.select_for_update().get(pk=record.pk)
    if locked.status in (SalesImport.Status.DONE, SalesImport.Status.FAILED):
        return ImportResult(sales_import=locked)
    locked.imported_by = record.imported_by
    return _write_checked(lines, by=record.imported_by, record=locked)


def _fail(record: SalesImport, errors: list[dict]) -> int:
    SalesImport.objects.filter(pk=record.pk).exclude(status=SalesImport.Status.DONE).update(
        status=SalesImport.Status.FAILED, errors=errors, content=b"", finished_at=timezone.now()
    )
    return 0


def _write_checked(
    lines: ListedSales | StagedSales, *, by: User, record: SalesImport
) -> ImportResult:
    """1. compare with what is stored under the same (order number, line): new, corrected or
    unchanged; 2. upsert the new and corrected lines in one statement; 3. refresh the rollup
    cells they enter or leave; 4. turn prospects with a first sale into customers (rules.md
    §3.1); 5. audit, and queue the scoring of the months touched. The import's record ends
    done, its stored file dropped."""
    from sales.sales_rollup import refresh_sales_rollup

    changes = lines.compare()
    result = ImportResult(
        created=changes.created,
        updated=changes.updated,
        unchanged=changes.unchanged,
        sales_import=record,
    )
    record.created, record.updated, record.unchanged = (
        result.created,
        result.updated,
        result.unchanged,
    )
    record.status, record.done, record.total = SalesImport.Status.DONE, changes.total, changes.total
    record.finished_at, record.content, record.errors = timezone.now(), b"", []
    record.save()
    lines.upsert(record)
    refresh_sales_rollup(changes.rollup_pairs)
    won = lines.turn_prospects_into_customers()
    audit.record(
        "customers.sales.imported",
        actor=by,
        target=record,
        changes={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "new_customers": won,
        },
    )
    _queue_scoring(changes)
    return result


def _queue_scoring(changes: Changes) -> None:
    """Only the people whose lines changed are re-scored, from the first month touched on:
    the months the changed lines are in now and, for a corrected line that moved, the month and
    person it left (both lose or gain the line). The customers of those lines are named too:
    the region rollup recounts only their cells."""
    if not changes.rollup_pairs:
        return
    months = sorted({month for _person, month in changes.rollup_pairs})
    months_changed.send(
        Sale,
        first_month=months[0],
        last_month=months[-1],
        salespeople={person for person, _month in changes.rollup_pairs},
        customers=changes.customers,
    )


@transaction.atomic
def enter_sale(
    *,
    by: User,
    order_number: str,
    line: int,
    date,
    customer: str,
    salesperson: User | None,
    amount: Decimal,
    gross_profit: Decimal,
) -> ImportResult:
    """A hand-entered sale or correction by head office (rules.md §7.1): one line through the
    same checks as the import, credited to `salesperson` (one of the region's people; none:
    the customer's owner). The audit entry keeps the line as it was before a correction."""
    if not can_import_sales(by):
        raise DomainError(_("Only head office brings sales in."))
    previous = (
        Sale.objects.select_for_update()
        .filter(order_number=order_number.strip(), line=line)
        .select_related("customer", "salesperson")
        .first()
    )
    row = {
        "order_number": order_number,
        "line": line,
        "date": date,
        "customer": customer,
        "salesperson": salesperson.username if salesperson else "",
        "amount": amount,
        "gross_profit": gross_profit,
    }
    result = import_sales(rows=[row], by=by, file_name=_("entered by hand"))
    sale = Sale.objects.select_related("customer", "salesperson").get(
        order_number=order_number.strip(), line=line
    )
    audit.record(
        "sales.sale.corrected" if previous else "sales.sale.entered",
        actor=by,
        target=sale,
        changes={"before": _audit_values(previous), "after": _audit_values(sale)},
    )
    return result


def _audit_values(sale: Sale | None) -> dict | None:
    if sale is None:
        return None
    return {
        "sold_at": sale.sold_at.isoformat(),
        "customer": sale.customer,
        "salesperson": sale.salesperson,
        "channel": sale.channel,
        "amount": Decimal(sale.amount).quantize(CENT),
        "gross_profit": Decimal(sale.gross_profit).quantize(CENT),
    }
