"""The sales import's lines checked and written from Python (rules.md §7.1): the way SQLite, the
embedded default, takes them. PostgreSQL takes the same lines set-based
(`sales.services.import_staged`), with the same checks, messages and counts."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from customers.models import Customer
from sales.models import Sale, SalesImport
from sales.sale_lines import CENT, check_rows
from salesops.models import User

VALUE_FIELDS = ["sold_at", "month", "customer_id", "salesperson_id", "territory_id", "channel"]
MONEY_FIELDS = ["amount", "gross_profit"]


@dataclass
class Changes:
    """What writing the checked lines changes: new and corrected lines (the rest unchanged),
    the (salesperson, month) rollup cells a line enters or leaves, the customers whose lines
    they are (now and, for a corrected line, before), and the months touched."""

    total: int
    created: int
    updated: int
    rollup_pairs: set[tuple[int, date]] = field(default_factory=set)
    customers: set[int] = field(default_factory=set)
    first_month: date | None = None
    last_month: date | None = None

    @property
    def unchanged(self) -> int:
        return self.total - self.created - self.updated


class RefusedLines(Exception):
    """Bad lines, each (line number, message): nothing is imported."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(errors)
        self.errors = errors


def _fingerprint(sale: Sale) -> tuple:
    return (
        sale.sold_at,
        sale.month,
        sale.customer_id,
        sale.salesperson_id,
        sale.territory_id,
        sale.channel,
        Decimal(sale.amount).quantize(CENT),
        Decimal(sale.gross_profit).quantize(CENT),
    )


class ListedSales:
    """Checked lines held as unsaved sales."""

    def __init__(self, sales: list[Sale]):
        self.sales = sales
        self.changed: list[Sale] = []

    @classmethod
    @contextmanager
    def checked(
        cls, rows: list[dict], *, by: User, progress: Callable[[int], object] | None = None
    ) -> Iterator["ListedSales"]:
        sales, errors = check_rows(rows, by=by, progress=progress)
        if errors:
            raise RefusedLines(errors)
        yield cls(sales)

    def compare(self) -> Changes:
        """New, corrected or unchanged against what is stored under the same key."""
        existing = self._existing()
        self.changed = [
            sale
            for sale in self.sales
            if existing.get((sale.order_number, sale.line)) != _fingerprint(sale)
        ]
        months = sorted({sale.month for sale in self.changed})
        return Changes(
            total=len(self.sales),
            created=sum((sale.order_number, sale.line) not in existing for sale in self.changed),
            updated=sum((sale.order_number, sale.line) in existing for sale in self.changed),
            rollup_pairs=self._rollup_pairs(existing),
            customers=self._customers(existing),
            first_month=months[0] if months else None,
            last_month=months[-1] if months else None,
        )

    def _existing(self) -> dict[tuple, tuple]:
        numbers = {sale.order_number for sale in self.sales}
        rows = Sale.objects.filter(order_number__in=numbers).values_list(
            "order_number", "line", *VALUE_FIELDS, *MONEY_FIELDS
        )
        return {(row[0], row[1]): tuple(row[2:]) for row in rows}

    def _rollup_pairs(self, existing: dict[tuple, tuple]) -> set[tuple[int, date]]:
        """The cells of every (salesperson, month) a changed line enters or leaves."""
        pairs = {(sale.salesperson_id, sale.month) for sale in self.changed}
        return pairs | {(was["salesperson_id"], was["month"]) for was in self._replaced(existing)}

    def _customers(self, existing: dict[tuple, tuple]) -> set[int]:
        """The customers a changed line belongs to, and belonged to before a correction."""
        customers = {sale.customer_id for sale in self.changed}
        return customers | {was["customer_id"] for was in self._replaced(existing)}

    def _replaced(self, existing: dict[tuple, tuple]) -> Iterator[dict]:
        """The stored values (by field) of the lines the changed ones correct."""
        for sale in self.changed:
            before = existing.get((sale.order_number, sale.line))
            if before is not None:
                yield dict(zip(VALUE_FIELDS, before, strict=False))

    def upsert(self, sales_import: SalesImport) -> None:
        """The new and corrected lines, in one keyed upsert."""
        for sale in self.changed:
            sale.sales_import = sales_import
        Sale.objects.bulk_create(
            self.changed,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["order_number", "line"],
            update_fields=[*VALUE_FIELDS, *MONEY_FIELDS, "sales_import", "updated_at"],
        )

    def turn_prospects_into_customers(self) -> int:
        """rules.md §3.1: a prospect becomes a customer with its first sale."""
        customer_ids = {sale.customer_id for sale in self.sales}
        return Customer.objects.filter(pk__in=customer_ids, status=Customer.Status.PROSPECT).update(
            status=Customer.Status.CUSTOMER, updated_at=timezone.now()
        )
