from django.db import migrations


class Migration(migrations.Migration):
    """Joins the custody events' encryption and the device versions' take-out request, made side
    by side; neither depends on the other."""

    dependencies = [
        ("ledgers", "0009_custody_encrypted"),
        ("ledgers", "0010_device_takeout"),
    ]

    operations = []
