from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clauses", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="obligation",
            name="evidence_conditions",
            field=models.JSONField(blank=True, default=dict, verbose_name="conditions on the evidence"),
        ),
    ]
