"""ARCHITECTURE: big tables carry a BRIN index on their date (PostgreSQL only; SQLite has none)."""

from django.db import migrations


def create_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS customers_sale_sold_at_brin "
            "ON customers_sale USING brin (sold_at)"
        )


def drop_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customers_sale_sold_at_brin")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_sales")]

    operations = [migrations.RunPython(create_brin, drop_brin)]
