"""A migration operation for moving the clause library out of compliance (docs/architecture.md).

Databases created before the move already hold the library's tables, the contract's
`clause_template_id` column and the duty tables' foreign keys and constraints (compliance 0001
and 0002 created them). After the move those tables and columns are created by migrations that
such a database has not recorded, while a fresh database runs them for real. `IfMissing`
applies its operation to Django's migration state always, and to the database only when what
it creates is not there yet, so the same graph builds a fresh database and takes over an old
one without touching its data.
"""

from __future__ import annotations

from django.db import migrations
from django.db.migrations.operations.base import Operation


class IfMissing(Operation):
    """Wraps CreateModel, AddField or AddConstraint; skips the database part when it exists."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, operation: Operation):
        if not isinstance(operation, (migrations.CreateModel, migrations.AddField, migrations.AddConstraint)):
            raise TypeError(f"IfMissing cannot wrap {type(operation).__name__}")
        self.operation = operation

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.operation], {})

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def _exists(self, app_label, schema_editor, to_state) -> bool:
        op = self.operation
        connection = schema_editor.connection
        introspection = connection.introspection
        if isinstance(op, migrations.CreateModel):
            model = to_state.apps.get_model(app_label, op.name)
            return model._meta.db_table in introspection.table_names()
        model = to_state.apps.get_model(app_label, op.model_name)
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if isinstance(op, migrations.AddField):
                column = model._meta.get_field(op.name).column
                return column in {c.name for c in introspection.get_table_description(cursor, table)}
            return op.constraint.name in introspection.get_constraints(cursor, table)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._exists(app_label, schema_editor, to_state):
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (unless the database already has it)"

    @property
    def migration_name_fragment(self):
        return self.operation.migration_name_fragment
