"""The customers' names and their trigram index on a table of their own (PostgreSQL only; SQLite
has no trigram index), kept by triggers on the customers' table.

On the customers' rows the index was written again with every new version of a row, whatever
changed: the day's rewrites of the customers' copies of their values (rollups.values) added each
customer's trigrams anew, 8,000 copies at tier L taking 790–1,385 ms with the index against
514–547 ms without it (docs/performance.md, P5). A name changes rarely; the table beside the
customers is written only when one is inserted, renamed, deleted or truncated, and the
searches by name (`salesops.names`) read it."""

from django.db import migrations

TABLE = "customer_names"

FORWARD = f"""
CREATE TABLE {TABLE} (customer_id bigint PRIMARY KEY, name varchar(200) NOT NULL);
INSERT INTO {TABLE} (customer_id, name) SELECT id, name FROM customers_customer;
CREATE INDEX customer_names_trigrams ON {TABLE} USING gin (UPPER(name) gin_trgm_ops);
CREATE FUNCTION customer_names_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {TABLE};
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM {TABLE} WHERE customer_id = OLD.id;
    ELSE
        INSERT INTO {TABLE} (customer_id, name) VALUES (NEW.id, NEW.name)
        ON CONFLICT (customer_id) DO UPDATE SET name = EXCLUDED.name;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER customer_names_written AFTER INSERT OR DELETE ON customers_customer
    FOR EACH ROW EXECUTE FUNCTION customer_names_follow();
CREATE TRIGGER customer_names_renamed AFTER UPDATE OF name ON customers_customer
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION customer_names_follow();
CREATE TRIGGER customer_names_emptied AFTER TRUNCATE ON customers_customer
    FOR EACH STATEMENT EXECUTE FUNCTION customer_names_follow();
DROP INDEX IF EXISTS customer_name_trigrams;
"""

BACKWARD = f"""
CREATE INDEX IF NOT EXISTS customer_name_trigrams
    ON customers_customer USING gin (UPPER(name) gin_trgm_ops);
DROP TRIGGER IF EXISTS customer_names_emptied ON customers_customer;
DROP TRIGGER IF EXISTS customer_names_renamed ON customers_customer;
DROP TRIGGER IF EXISTS customer_names_written ON customers_customer;
DROP FUNCTION IF EXISTS customer_names_follow();
DROP TABLE IF EXISTS {TABLE};
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("customers", "0018_customer_name_trigrams")]

    operations = [migrations.RunPython(forward, backward)]
