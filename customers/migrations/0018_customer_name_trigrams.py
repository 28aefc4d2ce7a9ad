"""A trigram index on the customers' upper-cased names (PostgreSQL only; SQLite has none): the
visit form's customer typed by name (`name__iexact`) and its suggestions (`name__icontains`)
read a region's every customer without it. At tier L, a region of 29,000 customers: a visit
logged by name 450 → 106 ms, a suggestion of three characters or more 100-111 → 14-23 ms
(docs/performance.md, "Form posts, and a customer typed by name"). pg_trgm is a trusted
extension: the database's owner may create it."""

from django.db import migrations


def create_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS customer_name_trigrams "
            "ON customers_customer USING gin (UPPER(name) gin_trgm_ops)"
        )


def drop_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_name_trigrams")


class Migration(migrations.Migration):
    dependencies = [("customers", "0017_customer_value_two_visitors")]

    operations = [migrations.RunPython(create_trigrams, drop_trigrams)]
