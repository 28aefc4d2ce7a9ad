"""A customer found by part of its name, whatever its case (`salesops.suggestions.name_contains`):
through the trigram index from three characters on (migration customers/0018), and walking the
names below that, with the same answer either way."""

import pytest
from django.db import connection

from customers.models import Customer
from salesops.suggestions import name_contains
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
    named = Customer.objects.filter(name_contains(typed))
    assert set(named.values_list("name", flat=True)) == found


def test_the_visit_forms_suggestions_hold_what_was_typed(names, personas):
    suggested = customer_suggestions(personas.salesperson, "上海")
    assert [customer.name for customer in suggested] == ["ABC Trading 上海市", "上海市建材有限公司"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
@pytest.mark.parametrize("lookup", ["name__icontains", "name__iexact"])
def test_three_characters_or_more_are_looked_up_in_the_trigram_index(names, lookup):
    """The index is an expression: a query whose expression differs from it (a cast, another
    function) would read every customer instead. With a handful of rows the planner prefers
    other indexes, so the others are dropped inside the test's transaction (PostgreSQL's DDL
    is transactional: they come back with its rollback) and the table's scan is ruled out."""
    query = Customer.objects.filter(**{lookup: "上海市建材有限公司"}).values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = "
            "'customers_customer'::regclass AND indexrelid::regclass::text <> "
            "'customer_name_trigrams' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_name_trigrams" in plan, plan
