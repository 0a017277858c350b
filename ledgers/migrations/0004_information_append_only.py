"""The information ledger is append-only as the device ledger is (0002): the database refuses to
change or remove an item, a custody event or who it names as users."""

from django.db import migrations

TABLES = ("ledgers_informationitem", "ledgers_custodyevent", "ledgers_custodyuser")


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            # ledgers_append_only() is the function migration 0002 created.
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledgers_append_only();"
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledgers_append_only();",
                params=None,
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;"
            )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};"
                f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};",
                params=None,
            )
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")


class Migration(migrations.Migration):
    dependencies = [("ledgers", "0003_information")]
    operations = [migrations.RunPython(forward, backward)]
