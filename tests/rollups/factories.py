"""Sales, visits, classes and competitor notes spread over months and territories."""

from datetime import date
from decimal import Decimal
from itertools import count

from customers.models import Channel, ClassChange, Competitor, CompetitorObservation, Customer
from rollups import building
from sales.models import Sale
from sales.sales_rollup import rebuild_sales_rollup
from sales.services.scoring import score_months
from salesops.months import add_months, local_midnight
from tests.customers.factories import CustomerFactory
from tests.sales.factories import local, set_quota
from visits.models import Visit

_numbers = count(1)


def customer_in(territory, owner, *, channel=Channel.TERMINAL_LARGE, name="") -> Customer:
    return CustomerFactory(
        territory=territory,
        owner=owner,
        channel=channel,
        status=Customer.Status.CUSTOMER,
        **({"name": name} if name else {}),
    )


def sale(customer, salesperson, month: date, amount, *, day: int = 10, gross_profit=None) -> Sale:
    """A sale line written straight to the table (the rollup is refreshed by the test)."""
    amount = Decimal(amount)
    return Sale.objects.create(
        order_number=f"RU{next(_numbers):07d}",
        line=1,
        sold_at=local(month.year, month.month, day),
        month=month,
        customer=customer,
        salesperson=salesperson,
        territory=customer.territory,
        channel=customer.channel,
        amount=amount,
        gross_profit=Decimal(gross_profit) if gross_profit is not None else amount / 4,
    )


def visit(customer, salesperson, month: date, *, day: int = 5) -> Visit:
    return Visit.objects.create(
        salesperson=salesperson,
        customer=customer,
        territory=customer.territory,
        visited_at=local(month.year, month.month, day),
        kind=Visit.Kind.ON_SITE,
    )


def classify(customer, letter: str, month: date) -> ClassChange:
    return ClassChange.objects.create(
        customer=customer, to_class=letter, changed_at=local_midnight(month.replace(day=2))
    )


def sighting(territory, month: date, name: str = "Acme", by=None) -> CompetitorObservation:
    competitor, _ = Competitor.objects.get_or_create(name=name, defaults={"normalized_name": name})
    return CompetitorObservation.objects.create(
        competitor=competitor, territory=territory, observed_on=month.replace(day=3), recorded_by=by
    )


def east_and_south(personas, month: date, *, customers_each: int = 2):
    """Sales in both regions this month, last month and a year before, visits, classes, notes
    and quotas; the rollup is rebuilt at the end."""
    world = personas
    sellers = [
        (world.salesperson, world.hangzhou),
        (world.colleague, world.jiangsu),
        (world.other_salesperson, world.shenzhen),
    ]
    for person, territory in sellers:
        for index in range(customers_each):
            customer = customer_in(
                territory, person, channel=[Channel.TERMINAL_LARGE, Channel.DEALER][index % 2]
            )
            for offset, amount in ((0, 1000 + index), (-1, 800), (-12, 500)):
                sale(customer, person, add_months(month, offset), amount)
            visit(customer, person, month)
            classify(customer, "AB"[index % 2], add_months(month, -1))
        sighting(territory, month, by=person)
        set_quota(person, month, 2000)
    rebuild_sales_rollup(add_months(month, -12), month)  # what scoring reads
    score_months(first_month=add_months(month, -12), last_month=month)
    building.rebuild_all()
    return world
