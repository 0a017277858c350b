"""Personal data encrypted at rest (design.md invariant 5, docs/keys.md)."""

from __future__ import annotations

import base64
import io
import os
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from core import crypto
from core.fields import ERASED_TEXT, ErasedValue
from core.models import DataKey, Event, Role, User
from core.services import users as user_services
from core.services.keys import data_key_create, data_key_destroy, master_key_rotate
from tests import factories

pytestmark = pytest.mark.django_db

FULL_NAME = "山田太郎"
KANA = "ヤマダタロウ"
PHONE = "090-1234-5678"
PERSONAL = ("full_name", "full_name_kana", "phone")


def _b64key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _old_spec() -> str:
    return settings.FIELD_ENCRYPTION_KEYS


def _forget_keys() -> None:
    crypto.data_key_cache.forget()
    crypto._parse_keyring.cache_clear()


@pytest.fixture
def org():
    return factories.public_body()


@pytest.fixture
def person(org) -> User:
    membership = user_services.user_create_with_membership(
        actor=None,
        organisation=org,
        email="yamada@example.jp",
        role=Role.CLIENT_STAFF,
        full_name=FULL_NAME,
        full_name_kana=KANA,
    )
    user = membership.user
    user.phone = PHONE
    user.save()
    return user


def _raw(user_id: int) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, full_name_kana, phone, full_name_index, email FROM core_user WHERE id = %s",
            [user_id],
        )
        row = cursor.fetchone()
    return dict(zip(("full_name", "full_name_kana", "phone", "full_name_index", "email"), row, strict=True))


# --- at rest -------------------------------------------------------------------------------


def test_raw_columns_hold_only_ciphertext(person):
    raw = _raw(person.pk)
    for column, plain in (("full_name", FULL_NAME), ("full_name_kana", KANA), ("phone", PHONE)):
        value = raw[column]
        assert value.startswith(crypto.TOKEN_PREFIX), column
        assert value.startswith(f"{crypto.TOKEN_PREFIX}{person.data_key_id}:"), column
        assert plain not in value, column
        for fragment in ("山田", "太郎", "ヤマダ", "1234", "5678"):
            assert fragment not in value, (column, fragment)
    # The blind index is a keyed hash, not the name either.
    assert len(raw["full_name_index"]) == 64
    assert "山田" not in raw["full_name_index"]
    # The login e-mail stays in clear on purpose (docs/keys.md).
    assert raw["email"] == "yamada@example.jp"


def test_model_reads_plaintext_back(person):
    crypto.data_key_cache.forget()
    user = User.objects.get(pk=person.pk)
    assert (user.full_name, user.full_name_kana, user.phone) == (FULL_NAME, KANA, PHONE)
    assert str(user) == FULL_NAME


def test_same_plaintext_encrypts_differently_each_time(person, org):
    other = factories.member(org, Role.CLIENT_STAFF, full_name=FULL_NAME).user
    a, b = _raw(person.pk)["full_name"], _raw(other.pk)["full_name"]
    assert a != b
    person.save()  # re-encrypting the same value gives a new nonce, too
    assert _raw(person.pk)["full_name"] != a
    token = crypto.encrypt(FULL_NAME, key_id=person.data_key_id, context="core.user.full_name")
    assert token != crypto.encrypt(FULL_NAME, key_id=person.data_key_id, context="core.user.full_name")


def test_ciphertext_moved_to_another_column_fails_authentication(person):
    # Decision: a value that fails authentication raises (fail closed). A placeholder would hide
    # tampering, and a later save() would quietly write it back; erasure has its own placeholder.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_user SET phone = full_name WHERE id = %s", [person.pk])
    with pytest.raises(crypto.DecryptionError, match=r"core\.user\.phone"):
        User.objects.get(pk=person.pk)
    # Other rows are unaffected, and the column still names no plaintext.
    assert FULL_NAME not in _raw(person.pk)["phone"]


def test_altered_ciphertext_fails_authentication(person):
    token = _raw(person.pk)["phone"]
    prefix, body = token.rsplit(":", 1)
    blob = bytearray(base64.urlsafe_b64decode(body))
    blob[-1] ^= 0x01
    forged = f"{prefix}:{base64.urlsafe_b64encode(bytes(blob)).decode()}"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_user SET phone = %s WHERE id = %s", [forged, person.pk])
    with pytest.raises(crypto.DecryptionError):
        User.objects.get(pk=person.pk)


def test_queryset_update_with_plaintext_is_refused(person):
    before = _raw(person.pk)["full_name"]
    # update() marks the surrounding transaction for rollback on any error: keep ours usable.
    with pytest.raises(ValueError, match="encrypted"), transaction.atomic():
        User.objects.filter(pk=person.pk).update(full_name="x")
    with pytest.raises(ValueError, match="encrypted"):
        User.objects.filter(full_name=FULL_NAME).exists()
    assert _raw(person.pk)["full_name"] == before


def test_a_row_without_a_data_key_cannot_be_encrypted(org):
    user = User(email="nokey@example.jp", full_name="鈴木花子")
    with pytest.raises(ValueError, match="no data key"):
        user.save()


# --- blind index ---------------------------------------------------------------------------


def _find(name: str):
    digest = User._meta.get_field("full_name_index").digest(name)
    return list(User.objects.filter(full_name_index=digest).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "variant", ["山田太郎", "山田 太郎", "山田　太郎", " 山田\t太郎 ", "山田  太郎", "山田\u3000\u3000太郎"]
)
def test_blind_index_finds_spacing_and_width_variants(person, variant):
    assert _find(variant) == [person.pk]


def test_blind_index_normalises_width_and_case(org):
    latin = factories.member(org, Role.CLIENT_STAFF, full_name="Yamada Taro").user
    kana = factories.member(org, Role.CLIENT_STAFF, full_name="ヤマダ タロウ").user
    assert _find("ＹＡＭＡＤＡ　ＴＡＲＯ") == [latin.pk]
    assert _find("yamadataro") == [latin.pk]
    assert _find("ﾔﾏﾀﾞ ﾀﾛｳ") == [kana.pk]  # half-width katakana


def test_blind_index_does_not_match_other_names_and_is_keyed(person):
    assert _find("山田次郎") == []
    assert _find("") == []
    assert crypto.blind_index("", purpose="core.user.full_name") == ""
    digest = crypto.blind_index(FULL_NAME, purpose="core.user.full_name")
    assert crypto.blind_index(FULL_NAME, purpose="core.user.other") != digest
    with override_settings(BLIND_INDEX_KEY=_b64key()):
        assert crypto.blind_index(FULL_NAME, purpose="core.user.full_name") != digest


def test_blind_index_follows_a_name_change(person):
    person.full_name = "佐藤花子"
    person.save()
    assert _find(FULL_NAME) == []
    assert _find("佐藤 花子") == [person.pk]


# --- erasure by key destruction ------------------------------------------------------------


def test_destroying_the_data_key_erases_the_values(person, org, django_capture_on_commit_callbacks):
    admin_user = factories.site_admin()
    key = DataKey.objects.get(pk=org.data_key_id)
    assert bytes(key.wrapped_key)
    with django_capture_on_commit_callbacks(execute=True):
        data_key_destroy(actor=admin_user, data_key=key, reason="契約終了")

    key.refresh_from_db()
    assert key.is_destroyed
    assert bytes(key.wrapped_key) == b""

    user = User.objects.get(pk=person.pk)
    for name in PERSONAL:
        value = getattr(user, name)
        assert value == ERASED_TEXT == "［消去済み］", name
        assert isinstance(value, ErasedValue)
    assert str(user) == ERASED_TEXT
    # The login e-mail is not personal data under the key and survives.
    assert user.email == "yamada@example.jp"

    event = Event.objects.filter(kind="data_key.destroyed").get()
    assert event.actor_id == admin_user.pk
    assert event.object_type == "core.datakey"
    assert event.object_id == str(key.pk)
    assert event.data == {"scope": key.scope, "reason": "契約終了"}

    # Destroying twice is a no-op, not a second event.
    data_key_destroy(actor=admin_user, data_key=key, reason="again")
    assert Event.objects.filter(kind="data_key.destroyed").count() == 1


def test_new_values_cannot_be_written_under_a_destroyed_key(person, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        data_key_destroy(actor=None, data_key=org.data_key, reason="test")
    user = User.objects.get(pk=person.pk)
    user.phone = "03-0000-0000"
    with pytest.raises(crypto.KeyDestroyedError):
        user.save()


def test_other_processes_see_the_erasure_within_the_cache_lifetime(person, org, monkeypatch):
    # on_commit callbacks are not run here: this is what another process (still caching the
    # unwrapped key) sees right after the destruction.
    User.objects.get(pk=person.pk)  # warms the cache
    data_key_destroy(actor=None, data_key=org.data_key, reason="test")
    assert User.objects.get(pk=person.pk).full_name == FULL_NAME

    # A minute later (only core.crypto's clock moves, not the whole process's).
    later = time.monotonic() + crypto.DATA_KEY_CACHE_SECONDS + 1
    monkeypatch.setattr(crypto, "time", SimpleNamespace(monotonic=lambda: later))
    assert User.objects.get(pk=person.pk).full_name == ERASED_TEXT


def test_erasure_also_removes_the_blind_index(person, org, django_capture_on_commit_callbacks):
    # Regression: the HMAC of the name stayed, so an erased person could still be found by name
    # (and, with BLIND_INDEX_KEY, the name confirmed by guessing).
    namesake = factories.member(factories.public_body(), Role.CLIENT_STAFF, full_name=FULL_NAME).user
    with django_capture_on_commit_callbacks(execute=True):
        data_key_destroy(actor=None, data_key=org.data_key, reason="test")
    assert _raw(person.pk)["full_name_index"] == ""
    assert _find(FULL_NAME) == [namesake.pk]  # only the namesake under a live key
    # Saving the erased row brings neither the index nor the values back.
    user = User.objects.get(pk=person.pk)
    user.language = "en"
    user.save()
    raw = _raw(person.pk)
    assert raw["full_name_index"] == ""
    assert raw["full_name"] == raw["phone"] == ""


def test_destroying_one_key_leaves_other_scopes_readable(person, org, django_capture_on_commit_callbacks):
    other_org = factories.public_body()
    other = factories.member(other_org, Role.CLIENT_STAFF, full_name="鈴木花子").user
    with django_capture_on_commit_callbacks(execute=True):
        data_key_destroy(actor=None, data_key=org.data_key, reason="test")
    assert User.objects.get(pk=other.pk).full_name == "鈴木花子"
    assert User.objects.get(pk=person.pk).full_name == ERASED_TEXT


# --- master key rotation -------------------------------------------------------------------


def test_rotate_keys_rewraps_every_live_key_and_old_key_can_go(person, org):
    old = _old_spec()
    assert old.startswith("test1:")
    destroyed = data_key_create(scope="contract:closed")
    data_key_destroy(actor=None, data_key=destroyed, reason="closed")
    live_before = DataKey.objects.filter(destroyed_at__isnull=True).count()
    assert live_before >= 1
    new = _b64key()

    with override_settings(FIELD_ENCRYPTION_KEYS=f"new:{new},{old}"):
        _forget_keys()
        out = io.StringIO()
        call_command("rotate_keys", stdout=out)
        assert f"{live_before} data keys re-wrapped under master key 'new'" in out.getvalue()
        assert set(
            DataKey.objects.filter(destroyed_at__isnull=True).values_list("master_key_id", flat=True)
        ) == {"new"}
        # Destroyed keys stay destroyed: nothing to re-wrap.
        destroyed.refresh_from_db()
        assert destroyed.master_key_id == "test1"
        assert bytes(destroyed.wrapped_key) == b""
        event = Event.objects.filter(kind="keys.rotated").get()
        assert event.data == {"master_key_id": "new", "rewrapped": live_before}
        # A second run has nothing left to do.
        assert master_key_rotate() == 0

    with override_settings(FIELD_ENCRYPTION_KEYS=f"new:{new}"):
        _forget_keys()
        user = User.objects.get(pk=person.pk)
        assert (user.full_name, user.full_name_kana, user.phone) == (FULL_NAME, KANA, PHONE)
        # New values are written under the same data key and read back.
        user.phone = "03-1111-2222"
        user.save()
        _forget_keys()
        assert User.objects.get(pk=person.pk).phone == "03-1111-2222"
    _forget_keys()


def test_removing_the_old_key_before_rotation_is_a_clear_error(person):
    with override_settings(FIELD_ENCRYPTION_KEYS=f"new:{_b64key()}"):
        _forget_keys()
        with pytest.raises(ImproperlyConfigured, match=r"'test1' is not in FIELD_ENCRYPTION_KEYS"):
            call_command("rotate_keys")
        with pytest.raises(ImproperlyConfigured, match="rotated out too early"):
            User.objects.get(pk=person.pk)
    _forget_keys()
    # Nothing was half-done.
    assert set(DataKey.objects.values_list("master_key_id", flat=True)) == {"test1"}
    assert not Event.objects.filter(kind="keys.rotated").exists()
    assert User.objects.get(pk=person.pk).full_name == FULL_NAME


# --- configuration -------------------------------------------------------------------------

# Fixed bytes, not os.urandom: the values are part of the test ids, which every pytest-xdist
# worker must collect alike.


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        (" , ", "empty"),
        ("k1:not base64!!", "not valid base64"),
        ("k1:" + base64.b64encode(b"\x01" * 16).decode(), "32 bytes"),
        ("k1:" + base64.b64encode(b"\x02" * 33).decode(), "32 bytes"),
        ("k1:", "32 bytes"),
        ("justakey", "id:base64key"),
        (":" + base64.b64encode(b"\x03" * 32).decode(), "id:base64key"),
    ],
)
def test_misconfigured_master_keys_are_improperly_configured(spec, message):
    with override_settings(FIELD_ENCRYPTION_KEYS=spec), pytest.raises(ImproperlyConfigured, match=message):
        crypto.keyring()
    _forget_keys()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "32 bytes"),
        ("not base64!!", "not valid base64"),
        (base64.b64encode(b"\x04" * 31).decode(), "32 bytes"),
    ],
)
def test_misconfigured_blind_index_key_is_improperly_configured(value, message):
    with override_settings(BLIND_INDEX_KEY=value), pytest.raises(ImproperlyConfigured, match=message):
        crypto.blind_index("山田", purpose="core.user.full_name")


def test_keyring_first_key_encrypts_the_rest_only_decrypt():
    k1, k2 = _b64key(), _b64key()
    with override_settings(FIELD_ENCRYPTION_KEYS=f" k2:{k2} , k1:{k1} "):
        ring = crypto.keyring()
        assert ring.current_id == "k2"
        assert set(ring.keys) == {"k1", "k2"}
        master_id, wrapped = crypto.wrap_key(b"\x01" * 32)
        assert master_id == "k2"
        assert crypto.unwrap_key("k2", wrapped) == b"\x01" * 32
        with pytest.raises(crypto.DecryptionError):
            crypto.unwrap_key("k1", wrapped)  # the id is bound to the wrapping
    _forget_keys()


def test_duplicate_master_key_ids_are_refused():
    # Regression: the last entry with the id silently won while the first position chose the id.
    spec = f"k1:{_b64key()},k1:{_b64key()}"
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=spec),
        pytest.raises(ImproperlyConfigured, match="'k1' twice"),
    ):
        crypto.keyring()
    _forget_keys()
