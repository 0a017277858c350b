"""A migration operation that lifts the ledgers' append-only triggers (migrations 0002 and 0004)
around the operations it wraps, and puts them back before the migration ends.

Only a migration may change a ledger's rows: converting a column (encrypting the custody events'
free text under the contract's key, 0009) rewrites every row once. The triggers stay in force
for everyone else, the lifting is inside the migration's own transaction, so a failure leaves
them as they were.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation

# The SQL of migrations 0002/0004: kept in step with them (a trigger re-created here must refuse
# what the original refused).
_SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
    "BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;"
)


class WithoutAppendOnly(Operation):
    """Run `operations` with the append-only triggers of `tables` lifted."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, tables: list[str] | tuple[str, ...], operations: list[Operation]):
        self.tables = tuple(tables)
        self.operations = list(operations)

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"tables": self.tables, "operations": self.operations})

    def describe(self) -> str:
        tables = ", ".join(self.tables)
        return f"Lift the append-only triggers of {tables} around {len(self.operations)} operations"

    def state_forwards(self, app_label, state):
        for operation in self.operations:
            operation.state_forwards(app_label, state)

    def _run(self, app_label, schema_editor, from_state, *, backwards: bool) -> None:
        connection = schema_editor.connection
        self._lift(schema_editor)
        states = [from_state]
        for operation in self.operations:
            state = states[-1].clone()
            operation.state_forwards(app_label, state)
            states.append(state)
        steps = list(enumerate(self.operations))
        for index, operation in reversed(steps) if backwards else steps:
            if backwards:
                operation.database_backwards(app_label, schema_editor, states[index + 1], states[index])
            else:
                operation.database_forwards(app_label, schema_editor, states[index], states[index + 1])
            if connection.vendor == "postgresql":
                # Rows changed under deferred foreign keys leave "pending trigger events", and
                # PostgreSQL refuses any ALTER TABLE (the next operation, or putting the triggers
                # back) while they are pending: check them now, then defer again as Django expects.
                schema_editor.execute(
                    "SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED;", params=None
                )
        self._restore(schema_editor)

    def _lift(self, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        for table in self.tables:
            if vendor == "postgresql":
                schema_editor.execute(
                    f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update;"
                    f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_delete;",
                    params=None,
                )
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")

    def _restore(self, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        for table in self.tables:
            if vendor == "postgresql":
                schema_editor.execute(
                    f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_update;"
                    f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_delete;",
                    params=None,
                )
            elif vendor == "sqlite":
                # SQLite rebuilds a table to alter a column, dropping its triggers: create it again.
                schema_editor.execute(_SQLITE_TRIGGER.format(table=table))

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, from_state, backwards=False)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # from_state here is the state after this operation; rebuild the chain from to_state.
        self._run(app_label, schema_editor, to_state, backwards=True)


def append_only(tables: tuple[str, ...]):
    """A RunPython that makes `tables` append-only as 0002 and 0004 made the first ledgers: the
    database refuses UPDATE and DELETE (PostgreSQL: through 0002's ledgers_append_only();
    SQLite, for the embedded default: UPDATE only, as there). New ledger tables use this instead
    of copying the SQL."""
    from django.db import migrations

    def forward(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION ledgers_append_only();"
                    f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION ledgers_append_only();",
                    params=None,
                )
            elif vendor == "sqlite":
                schema_editor.execute(_SQLITE_TRIGGER.format(table=table))

    def backward(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};"
                    f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};",
                    params=None,
                )
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")

    return migrations.RunPython(forward, backward)
