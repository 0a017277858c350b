from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0010_contract_facts_and_declared_roles"),
    ]

    operations = [
        # Changes drafted before the mode was the template's were all approved in advance.
        migrations.AddField(
            model_name="worksitechange",
            name="needs_approval",
            field=models.BooleanField(default=True, verbose_name="needs prior approval"),
        ),
    ]
