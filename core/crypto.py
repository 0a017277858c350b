"""Envelope encryption of personal data (docs/keys.md).

Master keys come from the environment (FIELD_ENCRYPTION_KEYS) and only ever wrap data keys.
Each scope (an organisation's people, a contract) has its own data key, stored wrapped in
core.DataKey; values are encrypted with AES-256-GCM under the data key, with the column's name
as associated data so a ciphertext cannot be moved to another column unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "enc1:"  # noqa: S105 — a format marker, not a secret
NONCE_BYTES = 12
# Unwrapped data keys stay in memory this long, so that a key destroyed in one process stops
# working in every other process soon after, without a database read per value.
DATA_KEY_CACHE_SECONDS = 60


class KeyDestroyedError(Exception):
    """The data key was destroyed: the value is irrecoverably erased."""


class DecryptionError(Exception):
    """The ciphertext was altered, or belongs to another column or key."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]


def _decode_key(raw: str, what: str) -> bytes:
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64.") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (base64 of 32 random bytes).")
    return key


@lru_cache(maxsize=4)
def _parse_keyring(spec: str) -> Keyring:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key_id, sep, raw = part.partition(":")
        if not sep or not key_id:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS entries look like 'id:base64key'.")
        if key_id in keys:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS names key id {key_id!r} twice.")
        keys[key_id] = _decode_key(raw, f"FIELD_ENCRYPTION_KEYS[{key_id}]")
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be encrypted.")
    return Keyring(current_id=order[0], keys=keys)


def keyring() -> Keyring:
    return _parse_keyring(settings.FIELD_ENCRYPTION_KEYS)


def wrap_key(raw_key: bytes, *, master_key_id: str | None = None) -> tuple[str, bytes]:
    ring = keyring()
    master_id = master_key_id or ring.current_id
    nonce = os.urandom(NONCE_BYTES)
    wrapped = nonce + AESGCM(ring.keys[master_id]).encrypt(nonce, raw_key, f"datakey:{master_id}".encode())
    return master_id, wrapped


def unwrap_key(master_key_id: str, wrapped: bytes) -> bytes:
    ring = keyring()
    try:
        master = ring.keys[master_key_id]
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"Master key {master_key_id!r} is not in FIELD_ENCRYPTION_KEYS (was it rotated out too early?)."
        ) from exc
    wrapped = bytes(wrapped)
    try:
        return AESGCM(master).decrypt(
            wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], f"datakey:{master_key_id}".encode()
        )
    except InvalidTag as exc:
        raise DecryptionError("A data key failed authentication under its master key.") from exc


class _DataKeyCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[int, tuple[float, bytes | None]] = {}

    def get(self, key_id: int) -> bytes:
        now = time.monotonic()
        with self._lock:
            hit = self._keys.get(key_id)
        if hit and now - hit[0] < DATA_KEY_CACHE_SECONDS:
            raw = hit[1]
        else:
            from core.models import DataKey

            row = (
                DataKey.objects.filter(pk=key_id)
                .values_list("master_key_id", "wrapped_key", "destroyed_at")
                .first()
            )
            if row is None:
                raise KeyDestroyedError(f"Data key #{key_id} does not exist.")
            master_id, wrapped, destroyed_at = row
            raw = None if destroyed_at or not wrapped else unwrap_key(master_id, wrapped)
            with self._lock:
                self._keys[key_id] = (now, raw)
        if raw is None:
            raise KeyDestroyedError(f"Data key #{key_id} was destroyed.")
        return raw

    def forget(self, key_id: int | None = None) -> None:
        with self._lock:
            if key_id is None:
                self._keys.clear()
            else:
                self._keys.pop(key_id, None)


data_key_cache = _DataKeyCache()


def encrypt(plaintext: str, *, key_id: int, context: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    aad = f"{key_id}|{context}".encode()
    ct = AESGCM(data_key_cache.get(key_id)).encrypt(nonce, plaintext.encode(), aad)
    return f"{TOKEN_PREFIX}{key_id}:{base64.urlsafe_b64encode(nonce + ct).decode()}"


def token_key_id(token: str) -> int:
    return int(token[len(TOKEN_PREFIX) :].split(":", 1)[0])


def decrypt(token: str, *, context: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("Not an encrypted value.")
    key_part, _, body = token[len(TOKEN_PREFIX) :].partition(":")
    key_id = int(key_part)
    blob = base64.urlsafe_b64decode(body)
    try:
        return (
            AESGCM(data_key_cache.get(key_id))
            .decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], f"{key_id}|{context}".encode())
            .decode()
        )
    except InvalidTag as exc:
        raise DecryptionError(f"Value under data key #{key_id} failed authentication ({context}).") from exc


def _blind_key() -> bytes:
    return _decode_key(settings.BLIND_INDEX_KEY, "BLIND_INDEX_KEY")


def normalise_for_index(value: str) -> str:
    # Full-width/half-width, spaces and case must not change who a name matches.
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


def blind_index(value: str | None, *, purpose: str) -> str:
    if not value:
        return ""
    msg = f"{purpose}|{normalise_for_index(value)}".encode()
    return hmac.new(_blind_key(), msg, hashlib.sha256).hexdigest()


def new_raw_key() -> bytes:
    return os.urandom(32)


def platform_data_key():
    """The data key for people who belong to no organisation (site administrators)."""
    from core.models import DataKey

    key = DataKey.objects.filter(scope="platform", destroyed_at__isnull=True).order_by("pk").first()
    if key is None:
        master_id, wrapped = wrap_key(new_raw_key())
        key = DataKey.objects.create(scope="platform", master_key_id=master_id, wrapped_key=wrapped)
    return key
