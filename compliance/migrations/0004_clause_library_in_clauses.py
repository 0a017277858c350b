# The foreign keys from the duty tables to the clause library, now in its own app (clauses),
# and the constraints over them. A database made before the move already has them (compliance
# 0002 added them then): IfMissing only takes them over in the state there.

import django.db.models.deletion
from django.db import migrations, models

from clauses.migration_operations import IfMissing


class Migration(migrations.Migration):
    dependencies = [
        ("clauses", "0001_initial"),
        ("compliance", "0003_reminder_delivery_error"),
    ]

    operations = [
        IfMissing(
            migrations.AddField(
                model_name="adoption",
                name="template",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT, related_name="adoptions", to="clauses.clausetemplate"
                ),
                preserve_default=False,
            )
        ),
        IfMissing(
            migrations.AddField(
                model_name="duty",
                name="obligation",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT, related_name="duties", to="clauses.obligation"
                ),
                preserve_default=False,
            )
        ),
        IfMissing(
            migrations.AddConstraint(
                model_name="adoption",
                constraint=models.UniqueConstraint(fields=("contract", "template"), name="adoption_unique"),
            )
        ),
        IfMissing(
            migrations.AddConstraint(
                model_name="duty",
                constraint=models.UniqueConstraint(
                    fields=("contract", "obligation", "subject", "cycle"), name="duty_unique_cycle"
                ),
            )
        ),
    ]
