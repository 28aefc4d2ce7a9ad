"""Keyset pages (salesops.keyset): every row exactly once, in order, forwards and backwards,
for every sort of the customer list including its empty values; the count stops early."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer
from salesops.keyset import bounded_count, keyset_page

pytestmark = pytest.mark.django_db

SORTS = ["name", "-name", "estimated_monthly_demand", "-estimated_monthly_demand"]
SORTS += ["expected_order_date", "-expected_order_date", "customer_class", "-customer_class"]


@pytest.fixture
def book(make_customer):
    for index in range(23):
        make_customer(
            name=f"客户{index % 7:02d}",  # repeated names: ties broken by id
            estimated_monthly_demand=None if index % 4 == 0 else Decimal(index % 5 * 1000),
            expected_order_date=None if index % 3 == 0 else date(2026, 1, 1 + index % 6),
            customer_class="ABCD"[index % 4],
        )
    return Customer.objects.all()


def _walk(queryset, ordering: str, size: int) -> tuple[list[int], list[int]]:
    forward, page = [], keyset_page(queryset, ordering=ordering, size=size)
    pages = [page]
    forward += [row.pk for row in page]
    while page.has_next:
        page = keyset_page(queryset, ordering=ordering, size=size, after=page.next_cursor)
        pages.append(page)
        forward += [row.pk for row in page]
    backward = []
    while page.has_previous:
        page = keyset_page(queryset, ordering=ordering, size=size, before=page.previous_cursor)
        backward = [row.pk for row in page] + backward
    return forward, backward + [row.pk for row in pages[-1]]


@pytest.mark.parametrize("ordering", SORTS)
def test_pages_hold_every_row_once_in_the_sorts_order(book, ordering):
    field = ordering.lstrip("-")
    expected = sorted(
        book,
        key=lambda c: (
            (getattr(c, field) is None, getattr(c, field) or 0, c.pk)
            if not ordering.startswith("-")
            else (getattr(c, field) is None, _negate(getattr(c, field)), -c.pk)
        ),
    )

    forward, backward = _walk(book, ordering, size=5)

    assert forward == [c.pk for c in expected]
    assert backward == forward


def _negate(value):
    if value is None:
        return 0
    if isinstance(value, str):
        return [-ord(ch) for ch in value]
    if isinstance(value, date):
        return -value.toordinal()
    return -value


def test_a_cursor_that_is_not_ours_opens_the_first_page(book):
    first = keyset_page(book, ordering="name", size=5)
    forged = keyset_page(book, ordering="name", size=5, after="not-a-cursor")

    assert [c.pk for c in forged] == [c.pk for c in first]
    assert not forged.has_previous


def test_the_count_stops_after_its_limit(book):
    assert bounded_count(book, limit=10) == (10, True)
    assert bounded_count(book, limit=100) == (23, False)


def test_the_customer_list_walks_its_pages_by_cursor(personas, login, book):
    client = login(personas.salesperson)
    url = reverse("customers:list")
    first = client.get(url, {"ordering": "-estimated_monthly_demand"})
    html = first.content.decode()
    assert "23 customers" in html
    page = first.context["page"]
    assert 'rel="next"' not in html  # 23 rows fit on one page of 50
    assert len(page) == 23
