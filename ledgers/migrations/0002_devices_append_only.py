"""The database itself refuses to change or remove a device ledger's entries, whoever asks (admin
and raw SQL included): a correction is a new version (design.md, invariant 3)."""

from django.db import migrations

TABLES = ("ledgers_device", "ledgers_deviceversion")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ledgers_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def _pg_forward(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledgers_append_only();"
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledgers_append_only();"
    )


def _pg_backward(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};DROP TRIGGER IF EXISTS {table}_no_delete ON {table};"


# TRUNCATE stays possible for the tables' owner (Django's test flush uses it); production runs the
# portal under a role that does not own the tables (docs/production.md). SQLite (the embedded
# default) refuses UPDATE only: its flush is a DELETE.
def _sqlite_forward(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;"
    )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(_pg_forward(table), params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(_sqlite_forward(table))


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(_pg_backward(table), params=None)
        schema_editor.execute("DROP FUNCTION IF EXISTS ledgers_append_only();", params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0001_devices")]
    operations = [migrations.RunPython(forward, backward)]
