"""Each information item's state now, kept by the custody services (ledgers.models.states), filled
here for the items already on the ledgers by replaying their events with the rules the pages use."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    # The replay is the one place that knows what the events mean: the first filling uses it too,
    # over the historical models' rows.
    from ledgers.selectors.information import states_by_id
    from ledgers.services.states import BATCH, _write, state_row

    item_model = apps.get_model("ledgers", "InformationItem")
    event_model = apps.get_model("ledgers", "CustodyEvent")
    user_model = apps.get_model("ledgers", "CustodyUser")
    state_model = apps.get_model("ledgers", "InformationItemState")
    ids = list(item_model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        states = states_by_id(chunk, event_model=event_model, user_model=user_model)
        _write([state_row(pk, states[pk], state_model) for pk in chunk], state_model)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0013_subcontract_end"),
        ("ledgers", "0012_merge_imports"),
    ]

    operations = [
        migrations.CreateModel(
            name="InformationItemState",
            fields=[
                (
                    "item",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="state",
                        serialize=False,
                        to="ledgers.informationitem",
                        verbose_name="information item",
                    ),
                ),
                ("status", models.CharField(max_length=20, verbose_name="status")),
                ("storage_place", models.CharField(blank=True, max_length=200, verbose_name="storage place")),
                ("destination", models.CharField(blank=True, max_length=200, verbose_name="destination")),
                ("copies", models.PositiveIntegerField(default=0, verbose_name="number of copies")),
                (
                    "user_count",
                    models.PositiveIntegerField(default=0, verbose_name="number of people who may use it"),
                ),
                ("last_occurred_at", models.DateTimeField(blank=True, null=True)),
                ("last_sequence", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "holder",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contracts.person",
                    ),
                ),
                (
                    "worksite",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contracts.worksite",
                    ),
                ),
            ],
            options={
                "verbose_name": "information item state",
                "verbose_name_plural": "information item states",
                "indexes": [models.Index(fields=["status"], name="infostate_status_idx")],
            },
        ),
        # Backwards the table goes with its rows: nothing to undo first.
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
