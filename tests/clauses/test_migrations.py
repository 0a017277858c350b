"""The clause library's move out of compliance keeps databases made before it (docs/architecture.md).

On such a database the library's tables, `contracts_contract.clause_template_id` and the duty
tables' foreign keys and constraints already exist, while clauses 0001, contracts 0008 and
compliance 0004 are not recorded. Each of their IfMissing operations must then change only
Django's state. The test database stands in for an old one: everything is already there.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, migrations
from django.db.migrations.loader import MigrationLoader

from clauses.migration_operations import IfMissing

MOVE = [
    ("clauses", "0001_initial"),
    ("contracts", "0008_clause_template_from_clauses"),
    ("compliance", "0004_clause_library_in_clauses"),
]
TABLES = (
    "compliance_clausetemplate",
    "compliance_article",
    "compliance_obligation",
    "compliance_adoption",
    "compliance_duty",
    "contracts_contract",
)


def _schema() -> dict[str, object]:
    with connection.cursor() as cursor:
        return {
            table: (
                [c.name for c in connection.introspection.get_table_description(cursor, table)],
                sorted(connection.introspection.get_constraints(cursor, table)),
            )
            for table in TABLES
        }


@pytest.mark.django_db(transaction=True)
def test_the_move_only_takes_over_what_an_older_database_already_has():
    loader = MigrationLoader(connection)
    before = _schema()
    ran = 0
    for key in MOVE:
        migration = loader.graph.nodes[key]
        state = loader.project_state(key, at_end=False)
        for operation in migration.operations:
            if not isinstance(operation, IfMissing):
                continue
            new_state = state.clone()
            operation.state_forwards(key[0], new_state)
            with connection.schema_editor() as editor:
                operation.database_forwards(key[0], editor, state, new_state)
            state = new_state
            ran += 1
    assert ran == 8  # 3 models, 3 foreign keys, 2 constraints
    assert _schema() == before


@pytest.mark.django_db(transaction=True)
def test_without_the_guard_the_old_database_would_refuse_the_migration():
    loader = MigrationLoader(connection)
    key = ("clauses", "0001_initial")
    create = loader.graph.nodes[key].operations[0].operation
    assert isinstance(create, migrations.CreateModel) and create.name == "ClauseTemplate"
    state = loader.project_state(key, at_end=False)
    new_state = state.clone()
    create.state_forwards("clauses", new_state)
    with pytest.raises(DatabaseError), connection.schema_editor() as editor:
        create.database_forwards("clauses", editor, state, new_state)


def test_the_guard_wraps_only_operations_it_can_check():
    with pytest.raises(TypeError):
        IfMissing(migrations.RunSQL("SELECT 1"))


@pytest.mark.django_db
def test_content_types_and_permissions_follow_the_models_to_clauses():
    # An older database knows the models as compliance's: its content type (and every
    # permission and object permission hanging off it) is renamed, not recreated.
    ContentType.objects.filter(app_label="clauses", model="article").delete()
    old = ContentType.objects.create(app_label="compliance", model="article")
    permission = Permission.objects.create(codename="audit_article", name="x", content_type=old)
    module = importlib.import_module("clauses.migrations.0001_initial")
    module.move_content_types(global_apps, SimpleNamespace(connection=connection))
    old.refresh_from_db()
    assert (old.app_label, old.model) == ("clauses", "article")
    assert Permission.objects.get(pk=permission.pk).content_type.app_label == "clauses"
    assert not ContentType.objects.filter(app_label="compliance", model="article").exists()
