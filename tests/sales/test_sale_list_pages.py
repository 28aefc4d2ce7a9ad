"""The sales list pages by cursor on the sale time (no count over every line): newest first,
50 a page, every line once going forwards and back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.customers.factories import CustomerFactory
from tests.sales.factories import make_sale

pytestmark = pytest.mark.django_db


def test_the_sales_list_walks_every_line_once_newest_first(personas, login):
    customer = CustomerFactory(territory=personas.ningbo, owner=personas.salesperson)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    # Two lines share each time: the id breaks the tie, so none is shown twice or skipped.
    sales = [
        make_sale(
            personas.salesperson, "100.00", now - timedelta(minutes=index // 2), customer=customer
        )
        for index in range(55)
    ]
    client = login(personas.salesperson)
    url = reverse("sales:list")

    first = client.get(url).context["page"]
    second = client.get(url, {"after": first.next_cursor}).context["page"]
    back = client.get(url, {"before": second.previous_cursor}).context["page"]

    expected = sorted(sales, key=lambda sale: (sale.sold_at, sale.pk), reverse=True)
    assert [s.pk for s in first] + [s.pk for s in second] == [s.pk for s in expected]
    assert len(first) == 50 and first.has_next and not first.has_previous
    assert not second.has_next and second.has_previous
    assert [s.pk for s in back] == [s.pk for s in first]
    html = client.get(url).content.decode()
    assert 'rel="next"' in html
