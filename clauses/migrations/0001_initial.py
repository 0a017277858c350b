# The clause library's models, moved here from compliance (docs/architecture.md, "Moving the
# clause library"). A fresh database creates the tables here; a database made before the move
# already has them (compliance 0001/0002 created them under the same names), so IfMissing
# only takes them over in Django's state. The content types are renamed so that permissions
# and object permissions on the library's models keep working.

import django.db.models.deletion
from django.db import migrations, models

from clauses.migration_operations import IfMissing

MOVED = ("clausetemplate", "article", "obligation")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        old = ContentType.objects.using(db).filter(app_label="compliance", model=model).first()
        if old is None:
            continue
        if ContentType.objects.using(db).filter(app_label="clauses", model=model).exists():
            continue  # both exist (created by hand): leave them for an operator to merge
        old.app_label = "clauses"
        old.save(update_fields=["app_label"])


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label="clauses", model__in=MOVED).update(
        app_label="compliance"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        IfMissing(
            migrations.CreateModel(
                name="ClauseTemplate",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("template_id", models.CharField(max_length=100, verbose_name="template id")),
                    ("version", models.CharField(max_length=50, verbose_name="version")),
                    ("title", models.CharField(max_length=300, verbose_name="title")),
                    ("issuer", models.CharField(max_length=200, verbose_name="issuer")),
                    ("parties", models.JSONField(verbose_name="party words")),
                    ("revisions", models.JSONField(default=list, verbose_name="revision history")),
                    ("source", models.CharField(blank=True, max_length=200, verbose_name="source document")),
                    ("statutory", models.BooleanField(default=False, verbose_name="statutory")),
                    ("content", models.JSONField(verbose_name="content as loaded")),
                    ("content_sha256", models.CharField(max_length=64)),
                    ("loaded_at", models.DateTimeField(auto_now_add=True, verbose_name="loaded at")),
                ],
                options={
                    "verbose_name": "clause template",
                    "verbose_name_plural": "clause templates",
                    "db_table": "compliance_clausetemplate",
                    "ordering": ["template_id", "-loaded_at"],
                    "constraints": [
                        models.UniqueConstraint(fields=("template_id", "version"), name="clausetemplate_unique_version")
                    ],
                },
            )
        ),
        IfMissing(
            migrations.CreateModel(
                name="Article",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("position", models.PositiveIntegerField()),
                    ("number", models.CharField(max_length=20, verbose_name="article")),
                    ("heading", models.CharField(max_length=200, verbose_name="heading")),
                    ("summary", models.TextField(verbose_name="summary")),
                    ("informational", models.BooleanField(default=False, verbose_name="informational")),
                    ("reason", models.TextField(blank=True, verbose_name="why informational")),
                    (
                        "template",
                        models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="articles",
                            to="clauses.clausetemplate",
                        ),
                    ),
                ],
                options={
                    "verbose_name": "article",
                    "verbose_name_plural": "articles",
                    "db_table": "compliance_article",
                    "ordering": ["template", "position"],
                    "constraints": [
                        models.UniqueConstraint(fields=("template", "position"), name="article_unique_position")
                    ],
                },
            )
        ),
        IfMissing(
            migrations.CreateModel(
                name="Obligation",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("position", models.PositiveIntegerField()),
                    ("key", models.CharField(max_length=120, verbose_name="key")),
                    ("clause", models.CharField(max_length=40, verbose_name="clause")),
                    ("kind", models.CharField(max_length=60, verbose_name="kind")),
                    ("actor", models.CharField(max_length=20, verbose_name="who acts")),
                    ("summary", models.TextField(verbose_name="summary")),
                    ("trigger", models.CharField(max_length=30, verbose_name="trigger")),
                    ("deadline_rule", models.CharField(max_length=40, verbose_name="deadline rule")),
                    ("deadline_days", models.IntegerField(blank=True, null=True, verbose_name="deadline days")),
                    ("deadline_date", models.DateField(blank=True, null=True, verbose_name="fixed deadline")),
                    ("evidence", models.CharField(max_length=30, verbose_name="evidence")),
                    ("opens_on", models.JSONField(default=list, verbose_name="opened by events")),
                    ("fulfilled_by", models.JSONField(default=list, verbose_name="fulfilled by events")),
                    ("per_subject", models.BooleanField(default=False, verbose_name="one duty per subject")),
                    ("every_months", models.PositiveIntegerField(blank=True, null=True)),
                    ("every_days", models.PositiveIntegerField(blank=True, null=True)),
                    ("applies_if", models.JSONField(default=list, verbose_name="contract flags required")),
                    ("survives_contract", models.BooleanField(default=False, verbose_name="survives the contract")),
                    ("form_id", models.CharField(blank=True, max_length=100, verbose_name="form")),
                    ("document", models.CharField(blank=True, max_length=200, verbose_name="document")),
                    ("measure", models.CharField(blank=True, max_length=300, verbose_name="measure")),
                    ("note", models.TextField(blank=True, verbose_name="note")),
                    (
                        "article",
                        models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="obligations",
                            to="clauses.article",
                        ),
                    ),
                    (
                        "template",
                        models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="obligations",
                            to="clauses.clausetemplate",
                        ),
                    ),
                ],
                options={
                    "verbose_name": "obligation",
                    "verbose_name_plural": "obligations",
                    "db_table": "compliance_obligation",
                    "ordering": ["template", "position"],
                    "constraints": [models.UniqueConstraint(fields=("template", "key"), name="obligation_unique_key")],
                },
            )
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
