"""Starting a sales import: the upload is stored and queued; the worker runs it through
`tasks.run_sales_import` → `services.sales.run_sales_import` (rules.md §7.1)."""

import hashlib

from django.db import transaction

from sales import tasks
from sales.models import SalesImport
from sales.sale_lines import check_file
from sales.services.sales import require_importer
from salesops import audit, ledger
from salesops.models import User


def start_sales_import(*, by: User, file_name: str, content: bytes) -> SalesImport:
    """Store an uploaded file and queue its import (`run_sales_import` in the worker). The
    file's size, lines and, for an XLSX, its parts and unpacked size are checked first."""
    require_importer(by)
    check_file(content, file_name)
    with transaction.atomic():
        record = SalesImport.objects.create(
            file_name=file_name[:200],
            checksum=hashlib.sha256(content).hexdigest(),
            imported_by=by,
            content=content,
            status=SalesImport.Status.QUEUED,
        )
        audit.record(
            "sales.import.queued", actor=by, target=record, changes={"bytes": len(content)}
        )
        ledger.enqueue("sales.import", record.pk, tasks.run_sales_import, import_id=record.pk)
    return record
