"""Sale and SalesImport now belong to the sales app: removed from this app's state only; the
tables (customers_sale, customers_salesimport) stay where they are, and sales.0001 takes them
over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_merge_0004_book_of_business_0005_sale_sold_at_brin"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Sale"),
                migrations.DeleteModel(name="SalesImport"),
            ],
        ),
    ]
