"""Trigram indexes so that ``name icontains`` search uses an index on PostgreSQL."""

from django.db import migrations

from config.migration_ops import VendorRunSQL


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_seed_reference_data")]
    operations = [
        VendorRunSQL(
            "postgresql",
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
                "CREATE INDEX IF NOT EXISTS customer_name_trgm ON customers_customer "
                "USING gin (name gin_trgm_ops);",
                "CREATE INDEX IF NOT EXISTS contact_name_trgm ON customers_contact "
                "USING gin (name gin_trgm_ops);",
            ],
            [
                "DROP INDEX IF EXISTS customer_name_trgm;",
                "DROP INDEX IF EXISTS contact_name_trgm;",
            ],
        ),
    ]
