"""The sales import's checks (rules.md §7.1, §2.5, §0.6): every kind of bad line gets its own
message with its line number, the same whether the lines are checked one by one (SQLite) or
set-based in a staging table (PostgreSQL)."""

import pytest
from django.db import connection
from django.utils import translation

from customers.models import Customer
from sales.models import Sale
from sales.services.import_listed import ListedSales, RefusedLines
from sales.services.import_staged import StagedSales
from sales.services.sales import SalesImportRefused, import_sales
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(personas):
    CustomerFactory(name="杭州永固胶业", territory=personas.hangzhou, owner=personas.salesperson)
    CustomerFactory(name="同名客户", territory=personas.hangzhou, owner=personas.salesperson)
    CustomerFactory(name="同名客户", territory=personas.ningbo, owner=personas.salesperson)
    CustomerFactory(name="无主客户", territory=personas.hangzhou, owner=None)


def _row(**overrides):
    row = {
        "order_number": "SO-1",
        "line": "1",
        "date": "2025-07-31 23:30",
        "customer": "杭州永固胶业",
        "salesperson": "li",
        "amount": "1000.00",
        "gross_profit": "200.00",
    }
    return row | overrides


# One line of each kind, in file order (the header is line 1, so the first line is line 2).
BAD_FILE = [
    _row(),
    _row(order_number="SO-3", amount="abc"),
    _row(order_number="SO-4", amount="-5", gross_profit="-10"),
    _row(order_number="SO-5", gross_profit="1000.01"),
    _row(order_number="SO-6", customer="无此客户"),
    _row(order_number="SO-7", customer="同名客户"),
    _row(order_number="SO-8", salesperson="ghost"),
    _row(order_number="SO-9", salesperson="lin"),
    _row(order_number="SO-10", salesperson="zhang"),
    _row(order_number="SO-11", channel="barter"),
    _row(order_number="SO-12", date="31/07/2025"),
    _row(order_number="SO-13", date="1999-12-31"),
    _row(),
    _row(order_number="SO-15", customer="无此客户", date="31/07/2025"),
    _row(order_number="SO-16", customer="无主客户", salesperson=""),
]
EXPECTED = [
    (3, "Amount is not a number."),
    (4, "The amount cannot be negative."),
    (5, "The gross profit cannot be above the amount."),
    (6, "Unknown customer “无此客户”."),
    (7, "Several customers are called “同名客户”."),
    (8, "Unknown salesperson “ghost”."),
    (9, "林晓燕 does not sell in the customer's region."),
    (10, "杭州永固胶业 is outside 张伟's territories (no approved request)."),
    (11, "Unknown channel “barter”."),
    (12, "The date must look like 2026-07-31 or 2026-07-31 23:30."),
    (13, "The date must lie between 2000-01-01 and 2100-12-31."),
    (14, "Order line SO-1/1 appears twice."),
    (15, "Unknown customer “无此客户”."),
    (16, "Unknown salesperson “”."),
]


def test_every_kind_of_bad_line_is_reported_with_its_number_and_message(personas, customers):
    with translation.override("en"), pytest.raises(SalesImportRefused) as refusal:
        import_sales(rows=BAD_FILE, by=personas.head_office, file_name="bad.csv")

    assert refusal.value.errors == EXPECTED
    assert not Sale.objects.exists()


def _errors(lines, rows, by) -> list[tuple[int, str]]:
    with pytest.raises(RefusedLines) as refusal, lines.checked(rows, by=by):
        pass
    return refusal.value.errors


ONLY_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the staging tables are PostgreSQL's"
)


@ONLY_POSTGRESQL
def test_set_based_checks_give_the_line_by_line_messages_in_chinese(personas, customers):
    with translation.override("zh-hans"):
        listed = _errors(ListedSales, BAD_FILE, personas.head_office)
        staged = _errors(StagedSales, BAD_FILE, personas.head_office)

    assert staged == listed
    assert [number for number, _ in staged] == [number for number, _ in EXPECTED]


def test_new_corrected_and_unchanged_lines_are_counted(personas, customers):
    first = [_row(order_number=f"SO-{n}") for n in range(3)]
    import_sales(rows=first, by=personas.head_office, file_name="july.csv")
    again = [*first[:2], _row(order_number="SO-2", amount="999.00"), _row(order_number="SO-9")]

    result = import_sales(rows=again, by=personas.head_office, file_name="july-2.csv")

    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    assert Sale.objects.get(order_number="SO-2").amount == 999
    assert Customer.objects.get(name="杭州永固胶业").status == Customer.Status.CUSTOMER


@ONLY_POSTGRESQL
def test_the_staging_tables_are_gone_after_an_import(personas, customers):
    import_sales(rows=[_row()], by=personas.head_office, file_name="july.csv")

    tables = connection.introspection.table_names(include_views=False)
    assert not [name for name in tables if name.startswith("sale_import_")]
