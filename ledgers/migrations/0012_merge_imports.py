from django.db import migrations


class Migration(migrations.Migration):
    """Joins the uploaded ledger files (imports), made side by side with the inspections, the
    custody events' encryption and the device versions' take-out request."""

    dependencies = [
        ("ledgers", "0009_imports"),
        ("ledgers", "0011_merge_custody_device_takeout"),
    ]

    operations = []
