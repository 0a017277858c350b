"""The custody events' free text that names people (the other party of a handover, the witness
of a disposal, the consent, the note) is encrypted under the contract's data key, as the roster's
names are: destroying the key at the contract's close erases it (docs/keys.md).

The table is append-only (0004): the existing rows are converted with its triggers lifted, inside
this migration only (ledgers.migration_operations.WithoutAppendOnly).
"""

import django.db.models.deletion
from django.core.validators import MaxLengthValidator
from django.db import migrations, models

import core.fields
from ledgers.migration_operations import WithoutAppendOnly

TEXTS = ("counterpart", "consent", "witness", "note")
LIMITS = {"counterpart": 200, "consent": 200, "witness": 200, "note": 2000}


def encrypt_existing(apps, schema_editor):
    """Each row takes its contract's key, and its texts are encrypted under it. Raw SQL on both
    sides: the historical model's encrypted fields would refuse the plaintext being read."""
    from core import crypto

    table = "ledgers_custodyevent"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id, c.data_key_id, {', '.join('e.' + t for t in TEXTS)} FROM {table} e "
            "JOIN ledgers_informationitem i ON i.id = e.item_id "
            "JOIN contracts_contract c ON c.id = i.contract_id"
        )
        rows = cursor.fetchall()
        for pk, key_id, *values in rows:
            encrypted = [
                crypto.encrypt(v, key_id=key_id, context=f"ledgers.custodyevent.{name}")
                if v and not v.startswith(crypto.TOKEN_PREFIX)
                else (v or "")
                for name, v in zip(TEXTS, values, strict=True)
            ]
            cursor.execute(
                f"UPDATE {table} SET data_key_id = %s, {', '.join(t + ' = %s' for t in TEXTS)} WHERE id = %s",
                [key_id, *encrypted, pk],
            )


def decrypt_existing(apps, schema_editor):
    from core import crypto

    table = "ledgers_custodyevent"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(TEXTS)} FROM {table}")
        for pk, *values in cursor.fetchall():
            plain = []
            for name, v in zip(TEXTS, values, strict=True):
                try:
                    plain.append(
                        crypto.decrypt(v, context=f"ledgers.custodyevent.{name}")[: LIMITS[name]] if v else ""
                    )
                except crypto.KeyDestroyedError:
                    plain.append("")  # erased stays erased
            cursor.execute(
                f"UPDATE {table} SET {', '.join(t + ' = %s' for t in TEXTS)} WHERE id = %s", [*plain, pk]
            )


def _encrypted(name: str, label: str) -> migrations.AlterField:
    return migrations.AlterField(
        model_name="custodyevent",
        name=name,
        field=core.fields.EncryptedTextField(
            blank=True, validators=[MaxLengthValidator(LIMITS[name])], verbose_name=label
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0011_worksite_change_needs_approval"),
        ("core", "0006_export_job"),
        ("ledgers", "0008_submissions"),
    ]

    operations = [
        WithoutAppendOnly(
            tables=["ledgers_custodyevent"],
            operations=[
                migrations.AddField(
                    model_name="custodyevent",
                    name="data_key",
                    field=models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.datakey",
                    ),
                ),
                _encrypted("counterpart", "other party"),
                _encrypted("consent", "the public body's consent"),
                _encrypted("witness", "witnessed by"),
                _encrypted("note", "note"),
                migrations.RunPython(encrypt_existing, decrypt_existing),
                migrations.AlterField(
                    model_name="custodyevent",
                    name="data_key",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.datakey"
                    ),
                ),
            ],
        ),
    ]
