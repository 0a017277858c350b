"""Model fields for personal data: encrypted text and its keyed-hash lookup column."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import crypto


class ErasedValue(str):
    """What an encrypted field reads as once its data key is destroyed."""

    __slots__ = ()


ERASED_TEXT = "［消去済み］"


class EncryptedTextField(models.TextField):
    """Text encrypted at rest under the data key named by `key_field` on the same row.

    The instance attribute holds plaintext; the column holds only `enc1:<key>:<ciphertext>`.
    Rows must be written with save()/bulk_create (QuerySet.update cannot know the row's key and
    is refused with a clear error). Filtering on the column is meaningless: use a BlindIndexField.
    """

    def __init__(self, *args, key_field: str = "data_key", **kwargs):
        self.key_field = key_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.key_field != "data_key":
            kwargs["key_field"] = self.key_field
        return name, path, args, kwargs

    @property
    def crypto_context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.attname}"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return crypto.decrypt(value, context=self.crypto_context)
        except crypto.KeyDestroyedError:
            return ErasedValue(ERASED_TEXT)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value in (None, "") or isinstance(value, ErasedValue):
            # An erased value is never written back as if it were the person's data.
            return "" if isinstance(value, ErasedValue) else value
        key_id = getattr(model_instance, f"{self.key_field}_id")
        if key_id is None:
            raise ValueError(f"{self.crypto_context}: the row has no data key to encrypt with.")
        return _Encrypted(crypto.encrypt(str(value), key_id=key_id, context=self.crypto_context))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, "") or isinstance(value, _Encrypted):
            return value
        raise ValueError(
            f"{self.crypto_context} is encrypted: write it through save(), and look it up by its blind index."
        )


class _Encrypted(str):
    __slots__ = ()


class BlindIndexField(models.CharField):
    """HMAC-SHA256 of another field's normalised value, for exact-match lookups."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("verbose_name", _("search key"))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "editable", "blank", "db_index", "verbose_name"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.source}"

    def digest(self, value: str | None) -> str:
        return crypto.blind_index(value, purpose=self.purpose)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source)
        if isinstance(value, ErasedValue):
            return getattr(model_instance, self.attname)
        digest = self.digest(value)
        setattr(model_instance, self.attname, digest)
        return digest
