"""The database itself refuses to change or remove audit events, whoever asks (admin included)."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_event is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event
    FOR EACH ROW EXECUTE FUNCTION core_event_append_only();
CREATE TRIGGER core_event_no_delete BEFORE DELETE ON core_event
    FOR EACH ROW EXECUTE FUNCTION core_event_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS core_event_no_update ON core_event;
DROP TRIGGER IF EXISTS core_event_no_delete ON core_event;
DROP FUNCTION IF EXISTS core_event_append_only();
"""
# TRUNCATE stays possible for the table's owner (Django's test flush uses it); production runs
# the portal under a role that does not own the tables (docs/production.md).
# SQLite (the embedded default) refuses UPDATE only: its flush is a DELETE.
SQLITE_FORWARD = [
    "CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event "
    "BEGIN SELECT RAISE(ABORT, 'core_event is append-only (UPDATE refused)'); END;",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS core_event_no_update;"]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
