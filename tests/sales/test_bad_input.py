"""Malformed sales input is refused with a message where it belongs, never a server error
(rules.md §0.6, §7.1): line numbers and amounts the columns cannot hold, dates outside the
window, damaged files, page parameters outside the window, and a tiny quota in scoring."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sales import scoring
from sales.models import Attainment, QuotaChannel, Sale
from sales.sale_lines import read_rows
from sales.scoring import score_period
from sales.services.sales import SalesImportRefused, import_sales
from salesops.errors import DomainError
from salesops.months import add_months, current_month, half_year_of
from tests.customers.factories import CustomerFactory
from tests.sales.factories import local, make_sale, set_quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(personas):
    return CustomerFactory(
        name="杭州永固胶业", territory=personas.hangzhou, owner=personas.salesperson
    )


def _row(**overrides):
    row = {
        "order_number": "SO-1001",
        "line": "1",
        "date": "2025-07-31 10:00",
        "customer": "杭州永固胶业",
        "salesperson": "li",
        "amount": "120000.00",
        "gross_profit": "30000.00",
    }
    return row | overrides


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"line": str(2**31)}, "The line must be a whole number from 1 to 2147483647."),
        ({"line": "-1"}, "The line must be a whole number from 1 to 2147483647."),
        ({"order_number": "S" * 41}, "The order number is longer than 40 characters."),
        ({"amount": "1E+30"}, "Amount is above 999,999,999,999.99."),
        ({"amount": "99999999999999.99"}, "Amount is above 999,999,999,999.99."),
        ({"gross_profit": "-1E+30"}, "Gross profit is above 999,999,999,999.99."),
        ({"date": "0001-01-01"}, "The date must lie between 2000-01-01 and 2100-12-31."),
        ({"date": "9999-12-31 23:59"}, "The date must lie between 2000-01-01 and 2100-12-31."),
    ],
)
def test_a_line_the_database_cannot_hold_is_refused_by_its_number(
    personas, customer, overrides, message
):
    rows = [_row(order_number="SO-OK"), _row(**overrides)]

    with pytest.raises(SalesImportRefused) as refusal:
        import_sales(rows=rows, by=personas.head_office, file_name="bad.csv")

    assert refusal.value.errors == [(3, message)]
    assert not Sale.objects.exists()


def test_a_sale_dated_year_one_never_reaches_the_customers_page(personas, customer, login):
    with pytest.raises(SalesImportRefused):
        import_sales(rows=[_row(date="0001-01-01")], by=personas.head_office, file_name="x.csv")

    page = login(personas.salesperson).get(reverse("customers:detail", args=[customer.pk]))

    assert page.status_code == 200


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "content",
    [
        b"order_number,line\nSO-1,1\n",  # not a zip at all
        b"PK\x03\x04 broken",  # a zip header and nothing behind it
    ],
)
def test_a_workbook_that_is_not_a_zip_is_refused_with_a_message(content):
    with pytest.raises(DomainError) as refusal:
        read_rows(_upload("sales.xlsx", content))

    assert refusal.value.field == "file"
    assert "not a readable XLSX workbook" in str(refusal.value.message)


def test_a_zip_without_content_types_is_refused_with_a_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")

    with pytest.raises(DomainError) as refusal:
        read_rows(_upload("sales.xlsx", buffer.getvalue()))

    assert "not a readable XLSX workbook" in str(refusal.value.message)


def test_a_csv_field_over_128_kb_is_refused_with_its_line():
    content = ("order_number,line\nSO-1,1\nSO-2," + "9" * 200_000 + "\n").encode()

    with pytest.raises(DomainError) as refusal:
        read_rows(_upload("sales.csv", content))

    assert "Line 3 of the file cannot be read as CSV" in str(refusal.value.message)


def test_the_import_page_shows_a_damaged_workbook_next_to_the_file(personas, login):
    response = login(personas.head_office).post(
        reverse("sales:import"), {"file": _upload("sales.xlsx", b"not a zip")}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_a_hand_entered_line_beyond_32_bits_is_refused_next_to_the_field(personas, login):
    response = login(personas.head_office).post(
        reverse("sales:new"),
        {
            "order_number": "SO-1",
            "line": str(2**40),
            "date": "2025-07-31T10:00",
            "customer": "x",
            "amount": "1",
            "gross_profit": "0",
        },
    )

    assert response.status_code == 200
    assert "line" in response.context["form"].errors
    assert not Sale.objects.exists()


@pytest.mark.parametrize(
    ("url_name", "args", "parameter"),
    [
        ("sales:list", [], "month=9999-12"),
        ("sales:list", [], "month=0000-01"),
        ("sales:team_attainment", [], "month=9999-12"),
        ("sales:my_attainment", [], "period=9999-12"),
        ("sales:quota_grid", ["east-china"], "period=9999-12"),
        ("sales:quota_grid", ["east-china"], "period=0001-01"),
    ],
)
def test_a_month_parameter_outside_the_window_shows_the_default(
    personas, login, url_name, args, parameter
):
    user = personas.salesperson if url_name == "sales:my_attainment" else personas.director
    response = login(user).get(f"{reverse(url_name, args=args)}?{parameter}")

    assert response.status_code == 200


def test_the_quota_grid_says_why_an_amount_too_large_was_refused(personas, login):
    month = current_month()
    name = f"q-{personas.salesperson.pk}-{month:%Y-%m}-terminal"
    url = reverse("sales:quota_grid", args=["east-china"])

    response = login(personas.director).post(url, {"save": "1", name: "1E+30"})

    assert response.status_code == 200
    assert f'id="{name}-refused"' in response.content.decode()


# --- scoring: a tiny quota, and one row that cannot be stored ------------------------------------


def test_a_tiny_quota_is_scored_not_overflowed(personas):
    month = add_months(half_year_of(current_month()), 0)
    set_quota(personas.salesperson, month, "0.01")
    make_sale(personas.salesperson, "375000", local(month.year, month.month, 2))

    score_period(month)

    score = Attainment.objects.get(salesperson=personas.salesperson, month=month)
    assert score.attainment == Decimal("3750000000.0")


def test_one_row_that_does_not_fit_never_blocks_the_others(personas):
    month = half_year_of(current_month())
    for person in (personas.salesperson, personas.colleague):
        set_quota(person, month, "1000")
        make_sale(person, "500", local(month.year, month.month, 2))
    # Each channel's quota fits its column; their sum, the month's quota, does not.
    for channel in (QuotaChannel.DIRECT_STORE, QuotaChannel.DEALER):
        set_quota(personas.colleague, month, "900000000000", channel)

    score_period(month)

    assert Attainment.objects.get(salesperson=personas.salesperson, month=month).sales == 500
    assert not Attainment.objects.filter(salesperson=personas.colleague, month=month).exists()


def test_efficiency_of_a_tiny_gross_profit_is_stored():
    row = Attainment(
        salesperson_id=1,
        month=date(2026, 1, 1),
        quota=0,
        carried_over=0,
        target=0,
        sales=0,
        gross_profit=Decimal("0.01"),
        cumulative_quota=0,
        cumulative_sales=0,
        travel_cost=Decimal("999999999999.99"),
        travel_efficiency=scoring._travel_efficiency(
            scoring.MonthTotals(
                gross_profit=Decimal("0.01"), travel_cost=Decimal("999999999999.99")
            )
        ),
    )

    assert scoring._fits(row)
