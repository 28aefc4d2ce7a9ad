import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from salesops.months import add_months, current_month

# The statements of rollups.values as they stood when the tables came: a migration keeps its own
# copy, so later changes to the module cannot change what this step did.
VISITOR_RATES = """
INSERT INTO rollups_visitorrate (salesperson_id, last_month, cost_per_visit)
SELECT person.salesperson_id, %s, ROUND(cost.total / person.visits, 6)
FROM (
    SELECT salesperson_id, SUM(visits) AS visits FROM rollups_activitycell
    WHERE month >= %s AND month < %s GROUP BY salesperson_id HAVING SUM(visits) > 0
) AS person
JOIN (
    SELECT salesperson_id, SUM(travel_cost) AS total FROM reports_attainment
    WHERE month >= %s AND month < %s GROUP BY salesperson_id
) AS cost ON cost.salesperson_id = person.salesperson_id
"""
CUSTOMER_VALUES = """
INSERT INTO rollups_customervalue
    (customer_id, last_month, gross_profit_12m, visits_12m, visit_cost_12m, last_order_at)
SELECT part.customer_id, %s, SUM(part.gross_profit), SUM(part.visits), SUM(part.visit_cost),
       MAX(part.last_sold_at)
FROM (
    SELECT customer_id,
           CASE WHEN month >= %s AND month < %s THEN gross_profit ELSE 0 END AS gross_profit,
           0 AS visits, 0 AS visit_cost, last_sold_at
    FROM rollups_salescell
    UNION ALL
    SELECT cell.customer_id, 0, cell.visits, cell.visits * COALESCE(rate.cost_per_visit, 0), NULL
    FROM rollups_customervisitcell AS cell
    LEFT JOIN rollups_visitorrate AS rate ON rate.salesperson_id = cell.salesperson_id
    WHERE cell.month >= %s AND cell.month < %s
) AS part
GROUP BY part.customer_id
"""


def fill_from_the_cells(apps, schema_editor):
    """Every salesperson's cost per visit and every customer's twelve months from the cells and
    scores already there, so the 80/20 is right before the next rollup job runs: two INSERTs,
    each from one grouped read."""
    month = current_month()
    first, end = add_months(month, -11), add_months(month, 1)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(VISITOR_RATES, [month, first, end, first, end])
        cursor.execute(CUSTOMER_VALUES, [month, first, end, first, end])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0010_customer_name_keyset_index"),
        ("rollups", "0004_customer_visit_cells_and_last_sale"),
        ("sales", "0007_attainment_crossing_sale"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VisitorRate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("last_month", models.DateField(verbose_name="month")),
                (
                    "cost_per_visit",
                    models.DecimalField(
                        decimal_places=6, max_digits=20, verbose_name="cost per visit"
                    ),
                ),
                (
                    "salesperson",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="salesperson",
                    ),
                ),
            ],
            options={
                "verbose_name": "cost per visit",
                "verbose_name_plural": "costs per visit",
            },
        ),
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
                (
                    "visit_cost_12m",
                    models.DecimalField(decimal_places=6, max_digits=20, verbose_name="visit cost"),
                ),
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
