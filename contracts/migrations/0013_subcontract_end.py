# The end of an approved subcontract (解除 or end of its period). Numbered 0013 as planned for this
# release; it follows 0011, the last migration on this branch.

import core.validators
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0012_contract_close"),
        ("core", "0006_export_job"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="subcontract",
            name="end_kind",
            field=models.CharField(
                blank=True,
                choices=[("terminated", "Termination"), ("period_ended", "End of the period")],
                max_length=20,
                verbose_name="how it ended",
            ),
        ),
        migrations.AddField(
            model_name="subcontract",
            name="end_reason",
            field=models.TextField(
                blank=True,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="reason for the end",
            ),
        ),
        migrations.AddField(
            model_name="subcontract",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ended by",
            ),
        ),
        migrations.AddField(
            model_name="subcontract",
            name="ended_on",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[core.validators.validate_plausible_date],
                verbose_name="ended on",
            ),
        ),
        migrations.AddConstraint(
            model_name="subcontract",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("end_kind", ""), ("ended_on__isnull", True)),
                    models.Q(("ended_on__isnull", False), models.Q(("end_kind", ""), _negated=True)),
                    _connector="OR",
                ),
                name="subcontract_end_has_kind",
            ),
        ),
    ]
