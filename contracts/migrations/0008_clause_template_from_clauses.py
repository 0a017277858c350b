# Contract.clause_template, now pointing at the clause library's own app (clauses). A database
# made before the move already has the column (contracts 0001 created it then): IfMissing
# only takes it over in the state there.

import django.db.models.deletion
from django.db import migrations, models

from clauses.migration_operations import IfMissing


class Migration(migrations.Migration):
    dependencies = [
        ("clauses", "0001_initial"),
        ("contracts", "0007_input_limits"),
    ]

    operations = [
        IfMissing(
            migrations.AddField(
                model_name="contract",
                name="clause_template",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="contracts",
                    to="clauses.clausetemplate",
                    verbose_name="clause template",
                ),
                preserve_default=False,
            )
        ),
    ]
