"""Customer value, 80/20 (rules.md §11.1): the ranking by twelve months' gross profit and the
boundaries of the top 20%."""

from decimal import Decimal

import pytest

from customers.models import Customer
from sales.selectors.customer_value import rank_customers, top_count
from salesops.months import add_months, current_month
from tests.customers.factories import CustomerFactory
from tests.sales.factories import local, make_sale

pytestmark = pytest.mark.django_db


def _customers_with_profits(person, profits):
    customers = []
    month = current_month()
    for profit in profits:
        customer = CustomerFactory(
            territory=person.assignments.first().territory,
            owner=person,
            status=Customer.Status.CUSTOMER,
        )
        if profit is not None:
            make_sale(
                person,
                max(Decimal(profit), Decimal(0)) + 1000,
                local(month.year, month.month, 1),
                customer=customer,
                gross_profit=profit,
            )
        customers.append(customer)
    return customers


def _top(person):
    ranking = rank_customers(Customer.objects.filter(owner=person))
    return ranking, {customer.pk for customer in ranking.customers if customer.is_top}


@pytest.mark.parametrize(("population", "top"), [(1, 1), (5, 1), (6, 2), (10, 2), (11, 3)])
def test_the_top_20_percent_is_rounded_up(population, top):
    assert top_count(population) == top


def test_exactly_20_percent_of_ten_customers_is_two(personas):
    customers = _customers_with_profits(personas.salesperson, [100 * n for n in range(10, 0, -1)])

    ranking, top = _top(personas.salesperson)

    assert (ranking.population, ranking.cutoff) == (10, 2)
    assert top == {customers[0].pk, customers[1].pk}
    assert [c.value_rank for c in ranking.customers] == list(range(1, 11))
    assert ranking.total_gross_profit == Decimal(sum(100 * n for n in range(1, 11)))


def test_customers_tied_with_the_last_top_place_are_all_in_the_top(personas):
    customers = _customers_with_profits(
        personas.salesperson, [900, 500, 500, 500, 100, 100, 100, 100, 100, 100]
    )

    ranking, top = _top(personas.salesperson)

    assert top == {customer.pk for customer in customers[:4]}
    assert sorted(c.value_rank for c in ranking.customers)[:5] == [1, 2, 2, 2, 5]


def test_customers_without_gross_profit_are_ranked_last_and_never_top(personas):
    customers = _customers_with_profits(personas.salesperson, [None, None, "-50", None, None, 300])

    ranking, top = _top(personas.salesperson)

    assert top == {customers[5].pk}
    last = list(ranking.customers)[-1]
    assert last.gross_profit_12m == Decimal("-50.00")


def test_nobody_is_top_when_no_customer_made_a_profit(personas):
    _customers_with_profits(personas.salesperson, [None, None, "0"])
    ranking, top = _top(personas.salesperson)
    assert ranking.threshold is None
    assert top == set()


def test_sales_older_than_twelve_months_do_not_count(personas):
    person = personas.salesperson
    [customer] = _customers_with_profits(person, [None])
    old = add_months(current_month(), -12)
    make_sale(person, "9000", local(old.year, old.month, 15), customer=customer, gross_profit="900")
    inside = add_months(current_month(), -11)
    first_day = local(inside.year, inside.month, 1)
    make_sale(person, "500", first_day, customer=customer, gross_profit="50")

    ranking = rank_customers(Customer.objects.filter(owner=person))

    assert ranking.customers.get().gross_profit_12m == Decimal("50.00")


def test_prospects_are_not_ranked(personas):
    CustomerFactory(
        territory=personas.zhejiang, owner=personas.salesperson, status=Customer.Status.PROSPECT
    )
    assert rank_customers(Customer.objects.all()).population == 0
