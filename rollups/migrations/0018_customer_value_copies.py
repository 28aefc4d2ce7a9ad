"""Fill each customer's copy of its value row (customers' migration 0014), which
`rollups.values` keeps from now on: the window's last month, the twelve months' gross profit
and the latest order; none for a customer without a row."""

from django.db import migrations

COPIED = """
UPDATE customers_customer SET value_month = kept.last_month,
    value_gross_profit = kept.gross_profit_12m, value_last_order_at = kept.last_order_at
FROM rollups_customervalue AS kept
WHERE kept.customer_id = customers_customer.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0014_customer_value_copies"),
        ("rollups", "0017_versions_of_quotas_and_shares"),
    ]

    # Going back, the customers' migration drops the columns.
    operations = [migrations.RunSQL(COPIED, migrations.RunSQL.noop)]
