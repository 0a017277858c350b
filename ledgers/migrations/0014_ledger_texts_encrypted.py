"""The rest of the ledgers' free text that can name people is encrypted under the contract's data
key, as the custody events' counterpart, witness, consent and note are (0009): where an item came
from and what it is, where it was taken or shipped to, an application's purpose, third party,
vendor and safeguards, a take-out's purpose and destination, the reason for a device's change, a
submission's note and an uploaded file's name. Destroying the key at the contract's close erases
them (docs/keys.md).

The items, the custody events and the device versions are append-only (0002, 0004): their rows
are converted with the triggers lifted, inside this migration only (WithoutAppendOnly).
"""

import django.db.models.deletion
from django.core.validators import MaxLengthValidator
from django.db import migrations, models

import core.fields
from ledgers.migration_operations import WithoutAppendOnly

# model → (the joins and the expression that give each row its contract's key, its texts and
# their limits, whether the row gets a data key of its own here). The key is the row's own where
# it has one already (0009, 0008, 0009_imports).
CONTRACT = "JOIN contracts_contract c ON c.id = r.contract_id"
CONVERTED = {
    "informationitem": (CONTRACT, "c.data_key_id", {"source": 200, "description": 500}, True),
    "custodyevent": ("", "r.data_key_id", {"destination": 200}, False),
    "informationitemstate": (
        "JOIN ledgers_informationitem i ON i.id = r.item_id JOIN contracts_contract c ON c.id = i.contract_id",
        "c.data_key_id",
        {"destination": 200},
        True,
    ),
    "ledgerrequest": (
        CONTRACT,
        "c.data_key_id",
        {"purpose": 2000, "counterpart": 200, "vendor": 200, "safeguards": 200},
        True,
    ),
    "takeoutrequest": (CONTRACT, "c.data_key_id", {"purpose": 2000, "destination": 200}, True),
    "deviceversion": (
        "JOIN ledgers_device d ON d.id = r.device_id JOIN contracts_contract c ON c.id = d.contract_id",
        "c.data_key_id",
        {"note": 2000},
        True,
    ),
    "ledgersubmission": ("", "r.data_key_id", {"note": 2000}, False),
    "ledgerimport": ("", "r.data_key_id", {"file_name": 200}, False),
}
APPEND_ONLY = ["ledgers_informationitem", "ledgers_custodyevent", "ledgers_deviceversion"]


def _pk(model: str) -> str:
    return "item_id" if model == "informationitemstate" else "id"


def encrypt_existing(apps, schema_editor):
    """Each row takes its contract's key, and its texts are encrypted under it. Raw SQL on both
    sides: the historical models' encrypted fields would refuse the plaintext being read."""
    from core import crypto

    with schema_editor.connection.cursor() as cursor:
        for model, (joins, key, texts, keyed_here) in CONVERTED.items():
            table, pk, names = f"ledgers_{model}", _pk(model), list(texts)
            cursor.execute(
                f"SELECT r.{pk}, {key}, {', '.join('r.' + n for n in names)} FROM {table} r {joins}"
            )
            for row_id, key_id, *values in cursor.fetchall():
                encrypted = []
                for name, v in zip(names, values, strict=True):
                    if not v or v.startswith(crypto.TOKEN_PREFIX):
                        encrypted.append(v or "")
                        continue
                    try:
                        encrypted.append(crypto.encrypt(v, key_id=key_id, context=f"ledgers.{model}.{name}"))
                    except crypto.KeyDestroyedError:
                        # A contract closed before this migration: what its close should have
                        # erased is erased now.
                        encrypted.append("")
                assignments = [f"{n} = %s" for n in names] + (["data_key_id = %s"] if keyed_here else [])
                cursor.execute(
                    f"UPDATE {table} SET {', '.join(assignments)} WHERE {pk} = %s",
                    [*encrypted, *([key_id] if keyed_here else []), row_id],
                )


def decrypt_existing(apps, schema_editor):
    from core import crypto

    with schema_editor.connection.cursor() as cursor:
        for model, (_joins, _key, texts, _keyed_here) in CONVERTED.items():
            table, pk, names = f"ledgers_{model}", _pk(model), list(texts)
            cursor.execute(f"SELECT {pk}, {', '.join(names)} FROM {table}")
            for row_id, *values in cursor.fetchall():
                plain = []
                for name, v in zip(names, values, strict=True):
                    try:
                        text = crypto.decrypt(v, context=f"ledgers.{model}.{name}") if v else ""
                    except crypto.KeyDestroyedError:
                        text = ""  # erased stays erased
                    plain.append(text[: texts[name]])
                cursor.execute(
                    f"UPDATE {table} SET {', '.join(n + ' = %s' for n in names)} WHERE {pk} = %s",
                    [*plain, row_id],
                )


def _key(model: str, *, null: bool) -> migrations.AddField | migrations.AlterField:
    field = models.ForeignKey(
        null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.datakey"
    )
    if null:
        return migrations.AddField(model_name=model, name="data_key", field=field)
    return migrations.AlterField(model_name=model, name="data_key", field=field)


def _encrypted(model: str, name: str, label: str, *, blank: bool = True) -> migrations.AlterField:
    limit = CONVERTED[model][2][name]
    return migrations.AlterField(
        model_name=model,
        name=name,
        field=core.fields.EncryptedTextField(
            blank=blank, validators=[MaxLengthValidator(limit)], verbose_name=label
        ),
    )


KEYED_HERE = [model for model, (*_spec, keyed_here) in CONVERTED.items() if keyed_here]


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0013_subcontract_end"),
        ("core", "0006_export_job"),
        ("ledgers", "0013_item_states"),
    ]

    operations = [
        WithoutAppendOnly(
            tables=APPEND_ONLY,
            operations=[
                *[_key(model, null=True) for model in KEYED_HERE],
                _encrypted("informationitem", "source", "received from", blank=False),
                _encrypted("informationitem", "description", "description"),
                _encrypted("custodyevent", "destination", "destination"),
                _encrypted("informationitemstate", "destination", "destination"),
                _encrypted("ledgerrequest", "purpose", "Purpose and reason", blank=False),
                _encrypted("ledgerrequest", "counterpart", "To whom or where"),
                _encrypted("ledgerrequest", "vendor", "disposal vendor"),
                _encrypted("ledgerrequest", "safeguards", "safeguards"),
                _encrypted("takeoutrequest", "purpose", "Purpose", blank=False),
                _encrypted("takeoutrequest", "destination", "Destination", blank=False),
                _encrypted("deviceversion", "note", "reason for the change"),
                _encrypted("ledgersubmission", "note", "note"),
                _encrypted("ledgerimport", "file_name", "file name", blank=False),
                migrations.RunPython(encrypt_existing, decrypt_existing),
                *[_key(model, null=False) for model in KEYED_HERE],
            ],
        ),
    ]
