"""Row history of travel advances: settlement marks them in one UPDATE, which only the
database's triggers see (architecture.md "The audit trail")."""

from decimal import Decimal

import pytest
from django.db import connection

from expenses import services
from expenses.models import TravelAdvance
from salesops.months import add_months, current_month

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-history triggers need PostgreSQL"
    ),
]


def test_settling_advances_in_bulk_keeps_their_history(personas):
    month = add_months(current_month(), -1)
    for _ in range(2):
        services.take_advance(by=personas.salesperson, paid_on=month, amount=Decimal("1000"))
    claim = services.open_claim(by=personas.salesperson, month=month)
    services.add_expense_item(
        claim=claim,
        by=personas.salesperson,
        spent_on=month,
        category="transport",
        amount=Decimal("2600"),
        invoice_number="INV-ROW-HISTORY",
    )
    services.submit_claim(claim=claim, by=personas.salesperson)

    services.decide_claim(claim=claim, by=personas.manager, decision="approve")

    for advance in TravelAdvance.objects.filter(salesperson=personas.salesperson):
        history = advance.events.order_by("pgh_id").values_list("pgh_label", "settled_by_claim")
        assert list(history) == [("insert", None), ("update", claim.pk)]
