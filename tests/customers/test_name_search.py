"""A customer found by part of its name, whatever its case (`salesops.names.name_contains`):
through the trigram index from three characters on (migration customers/0019), and walking the
names below that, with the same answer either way."""

import pytest
from django.db import connection

from customers.models import Customer
from salesops.names import name_contains, name_is
from tests.customers.factories import CustomerFactory
from visits.selectors import customer_suggestions

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(personas):
    for name in ("ABC Trading 上海市", "Abbot Tools", "上海市建材有限公司", "宁波胶粘材料"):
        CustomerFactory(name=name, territory=personas.ningbo, owner=personas.salesperson)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("ab", {"ABC Trading 上海市", "Abbot Tools"}),
        ("AB", {"ABC Trading 上海市", "Abbot Tools"}),
        ("bc tr", {"ABC Trading 上海市"}),
        ("上海", {"ABC Trading 上海市", "上海市建材有限公司"}),
        ("上海市建", {"上海市建材有限公司"}),
        ("%", set()),
    ],
)
def test_short_and_long_text_find_the_same_names_whatever_their_case(names, typed, found):
    named = Customer.objects.filter(name_contains(Customer, typed))
    assert set(named.values_list("name", flat=True)) == found


def test_the_visit_forms_suggestions_hold_what_was_typed(names, personas):
    suggested = customer_suggestions(personas.salesperson, "上海")
    assert [customer.name for customer in suggested] == ["ABC Trading 上海市", "上海市建材有限公司"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
@pytest.mark.parametrize("found_by", [name_contains, name_is])
def test_three_characters_or_more_are_looked_up_in_the_trigram_index(names, found_by):
    """The index is an expression on the names kept apart (migration customers/0019): a query
    whose expression differs from it (a cast, another function) would read every name instead.
    With a handful of rows the planner prefers reading the table or its key, which are ruled
    out."""
    query = Customer.objects.filter(found_by(Customer, "上海市建材有限公司")).values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # a GIN index is read by bitmap
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_names_trigrams" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the names apart are PostgreSQL's")
def test_the_names_apart_follow_the_customers_written_renamed_and_deleted(names, personas):
    """Kept by triggers on the customers' table, whichever way a customer is written: saved,
    updated in bulk, copied its value (a write that leaves the name) or deleted."""
    renamed = Customer.objects.get(name="Abbot Tools")
    renamed.name = "Zebra Logistics"
    renamed.save()
    Customer.objects.filter(name="宁波胶粘材料").update(name="宁波新材料")
    Customer.objects.filter(name="ABC Trading 上海市").update(value_visits=7)
    Customer.objects.filter(name="上海市建材有限公司").delete()

    def found(text):
        return set(
            Customer.objects.filter(name_contains(Customer, text)).values_list("name", flat=True)
        )

    assert found("zebra") == {"Zebra Logistics"}
    assert found("abbot") == set()
    assert found("宁波新") == {"宁波新材料"}
    assert found("上海市") == {"ABC Trading 上海市"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM customer_names")
        assert cursor.fetchone() == (Customer.objects.count(),)
