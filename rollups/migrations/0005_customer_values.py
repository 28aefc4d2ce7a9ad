import django.db.models.deletion
from django.db import migrations, models

from salesops.months import add_months, current_month

# The statement of rollups.values as it stood when the table came: a migration keeps its own
# copy, so later changes to the module cannot change what this step did.
CUSTOMER_VALUES = """
INSERT INTO rollups_customervalue
    (customer_id, last_month, gross_profit_12m, visits_12m, last_order_at)
SELECT part.customer_id, %s, SUM(part.gross_profit), SUM(part.visits), MAX(part.last_sold_at)
FROM (
    SELECT customer_id,
           CASE WHEN month >= %s AND month < %s THEN gross_profit ELSE 0 END AS gross_profit,
           0 AS visits, last_sold_at
    FROM rollups_salescell
    UNION ALL
    SELECT customer_id, 0, visits, NULL
    FROM rollups_customervisitcell WHERE month >= %s AND month < %s
) AS part
GROUP BY part.customer_id
"""


def fill_from_the_cells(apps, schema_editor):
    """Every customer's twelve months from the cells already there, so the 80/20 is right before
    the next rollup job runs: one INSERT from one grouped read."""
    month = current_month()
    first, end = add_months(month, -11), add_months(month, 1)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CUSTOMER_VALUES, [month, first, end, first, end])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0010_customer_name_keyset_index"),
        ("rollups", "0004_customer_visit_cells_and_last_sale"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerValue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("last_month", models.DateField(verbose_name="month")),
                (
                    "gross_profit_12m",
                    models.DecimalField(
                        decimal_places=2, max_digits=14, verbose_name="gross profit"
                    ),
                ),
                ("visits_12m", models.PositiveIntegerField(verbose_name="visits")),
                ("last_order_at", models.DateTimeField(null=True, verbose_name="last order")),
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rollup_value",
                        to="customers.customer",
                        verbose_name="customer",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer value",
                "verbose_name_plural": "customer values",
                "indexes": [
                    models.Index(fields=["last_month"], name="rollups_cus_last_mo_cf2be4_idx")
                ],
            },
        ),
        migrations.RunPython(fill_from_the_cells, migrations.RunPython.noop),
    ]
