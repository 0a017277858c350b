from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core import crypto
from core.audit import record_event
from core.models import DataKey


def data_key_create(*, scope: str) -> DataKey:
    master_id, wrapped = crypto.wrap_key(crypto.new_raw_key())
    key = DataKey(scope=scope, master_key_id=master_id, wrapped_key=wrapped)
    key.full_clean()
    key.save()
    return key


@transaction.atomic
def data_key_destroy(*, actor, data_key: DataKey, reason: str) -> DataKey:
    """Erase everything encrypted under this key, irrecoverably (the disposal of personal data)."""
    key = DataKey.objects.select_for_update().get(pk=data_key.pk)
    if key.is_destroyed:
        return key
    key.wrapped_key = b""
    key.destroyed_at = timezone.now()
    key.save(update_fields=["wrapped_key", "destroyed_at"])
    # The keyed hashes of erased names would still let someone holding BLIND_INDEX_KEY find and
    # guess them: they go with the key.
    for model, key_field, index_fields in _indexed_models():
        model._base_manager.filter(**{f"{key_field}_id": key.pk}).update(**dict.fromkeys(index_fields, ""))
    record_event(kind="data_key.destroyed", actor=actor, obj=key, data={"scope": key.scope, "reason": reason})
    transaction.on_commit(lambda: crypto.data_key_cache.forget(key.pk))
    return key


def _indexed_models():
    """(model, key field, blind-index fields) for every model with blind indexes."""
    from django.apps import apps

    from core.fields import BlindIndexField, EncryptedTextField

    for model in apps.get_models():
        indexes = [f.attname for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
        key_fields = {f.key_field for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}
        for key_field in key_fields:
            if indexes:
                yield model, key_field, indexes


@transaction.atomic
def master_key_rotate(*, actor=None) -> int:
    """Re-wrap every live data key under the current master key; returns how many changed.

    Values are not re-encrypted: they are under data keys, which do not change. Once this has
    run, older master keys can be removed from FIELD_ENCRYPTION_KEYS.
    """
    current = crypto.keyring().current_id
    count = 0
    for key in (
        DataKey.objects.select_for_update().filter(destroyed_at__isnull=True).exclude(master_key_id=current)
    ):
        raw = crypto.unwrap_key(key.master_key_id, key.wrapped_key)
        key.master_key_id, key.wrapped_key = crypto.wrap_key(raw, master_key_id=current)
        key.save(update_fields=["master_key_id", "wrapped_key"])
        count += 1
    record_event(kind="keys.rotated", actor=actor, data={"master_key_id": current, "rewrapped": count})
    crypto.data_key_cache.forget()
    return count
