"""Accounts: log-in, lockout, deactivation, log-out, password change and reset, sessions, language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from core.models import Event, Membership, OutboundMessage, Role
from tests import factories

NEW_PASSWORD = "yuzu-hinoki-kaede-2026"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _japanese(msgid: str) -> str:
    """The Japanese text of one of the project's messages; xfail while locale/ja lacks it."""
    with override("ja"):
        text = gettext(msgid)
    if not JAPANESE.search(text):
        pytest.xfail(f"locale/ja has no (compiled) translation of {msgid!r} yet")
    return text


def _login(client, email: str, password: str = factories.PASSWORD, **extra):
    return client.post(reverse("core:login"), {"username": email, "password": password}, **extra)


def _logged_in(client) -> bool:
    return client.get(reverse("core:profile")).status_code == 200


# --- log-in -------------------------------------------------------------------------------------


def test_login_by_email(client, world):
    user = world.a.client_staff.user
    response = _login(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:home")
    assert _logged_in(client)
    event = Event.objects.filter(kind="auth.login").latest("id")
    assert (event.actor, event.object_id) == (user, str(user.pk))
    assert response.cookies["django_language"].value == user.language


def test_login_never_redirects_off_site(client, world):
    data = {"username": world.a.auditor.user.email, "password": factories.PASSWORD}
    response = client.post(reverse("core:login"), {**data, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:home")


def test_login_email_is_case_insensitive(client, world):
    response = _login(client, "A-Staff@Example.JP")
    assert response.status_code == 302
    assert _logged_in(client)


def test_wrong_password_is_refused(client, world):
    response = _login(client, world.a.client_staff.user.email, "wrong-password-123456")
    assert response.status_code == 200
    assert not _logged_in(client)
    assert response.context["form"].non_field_errors()
    # The same answer for an unknown address: no account enumeration.
    unknown = _login(client, "nobody@example.jp", "wrong-password-123456")
    assert unknown.context["form"].non_field_errors() == response.context["form"].non_field_errors()


def test_wrong_password_message_is_japanese(client, world):
    response = _login(client, world.a.client_staff.user.email, "wrong-password-123456")
    assert response.context["form"].non_field_errors() == [
        _japanese("The e-mail address or the password is wrong.")
    ]
    assert 'lang="ja"' in response.content.decode()


def test_login_event_belongs_to_the_users_organisation(client, world):
    _login(client, world.a.client_staff.user.email)
    event = Event.objects.filter(kind="auth.login").latest("id")
    assert event.organisation_id == world.a.body.pk


# --- lockout (django-axes) ----------------------------------------------------------------------


def test_lockout_after_the_failure_limit(client, world):
    email = world.a.client_staff.user.email
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        assert _login(client, email, "wrong-password-123456").status_code == 200
    locked = _login(client, email, "wrong-password-123456")
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    with override("ja"):
        assert gettext("Account locked") in locked.content.decode()
    # The right password is refused too while the lock lasts.
    response = _login(client, email)
    assert response.status_code == 429
    assert not _logged_in(client)
    assert AccessAttempt.objects.filter(username=email).get().failures_since_start >= limit


def test_lockout_is_per_account_and_address(client, world):
    email = world.a.client_staff.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, email, "wrong-password-123456")
    assert _login(client, email).status_code == 429
    # Another account from the same address is not locked ...
    other = Client()
    assert _login(other, world.a.auditor.user.email).status_code == 302
    # ... nor the same account from another address.
    elsewhere = Client(REMOTE_ADDR="192.0.2.10")
    assert _login(elsewhere, email).status_code == 302


def test_lockout_counts_every_spelling_of_an_address_together(client, world):
    email = world.a.client_staff.user.email
    spellings = [email, email.upper(), email.title(), f"  {email}  ", email.capitalize()]
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        _login(client, spelling, "wrong-password-123456")
    assert _login(client, email).status_code == 429
    assert _login(client, email.upper()).status_code == 429


def test_success_resets_the_failure_count(client, world):
    email = world.a.client_staff.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, email, "wrong-password-123456")
    assert _login(client, email).status_code == 302
    client.post(reverse("core:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, email, "wrong-password-123456").status_code == 200
    assert _login(client, email).status_code == 302


# --- deactivation -------------------------------------------------------------------------------


def test_deactivated_member_is_logged_out_and_cannot_log_in(world):
    staff = world.a.client_staff
    person, admin = Client(), Client()
    assert _login(person, staff.user.email).status_code == 302
    assert person.get(reverse("core:home")).status_code == 200

    admin.force_login(world.a.client_admin.user)
    response = admin.post(reverse("core:membership_deactivate", args=[staff.pk]))
    assert response.status_code == 302
    staff.refresh_from_db()
    staff.user.refresh_from_db()
    assert not staff.is_active
    assert not staff.user.is_active  # it was the only membership

    # The open session ends on its next request (ModelBackend.get_user refuses inactive users).
    response = person.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("core:login"))
    # A fresh log-in is refused with the ordinary message (no hint that the account exists).
    response = _login(Client(), staff.user.email)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()

    admin.post(reverse("core:membership_reactivate", args=[staff.pk]))
    assert _login(Client(), staff.user.email).status_code == 302


def test_deactivating_one_of_two_memberships_keeps_the_other(world):
    # body b's staff member also audits for body a.
    person = world.b.client_staff.user
    second = Membership.objects.create(user=person, organisation=world.a.body, role=Role.AUDITOR)
    admin = Client()
    admin.force_login(world.a.client_admin.user)
    admin.post(reverse("core:membership_deactivate", args=[second.pk]))
    person.refresh_from_db()
    assert person.is_active
    c = Client()
    assert _login(c, person.email).status_code == 302
    assert c.get(reverse("core:home")).context["membership"].organisation == world.b.body
    assert c.get(reverse("core:organisation_detail", args=[world.a.body.pk])).status_code == 404


# --- log-out ------------------------------------------------------------------------------------


def test_logout_requires_post(client, world):
    user = world.a.auditor.user
    client.force_login(user)
    assert client.get(reverse("core:logout")).status_code == 405
    assert _logged_in(client)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:login")
    assert not _logged_in(client)
    assert Event.objects.filter(kind="auth.logout", actor=user).exists()


# --- passwords ----------------------------------------------------------------------------------


def test_password_change(client, world):
    user = world.a.contractor_staff.user
    client.force_login(user)
    assert client.get(reverse("core:password_change")).status_code == 200
    wrong = client.post(
        reverse("core:password_change"),
        {"old_password": "not-it-at-all-123", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert "old_password" in wrong.context["form"].errors

    response = client.post(
        reverse("core:password_change"),
        {"old_password": factories.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:home")
    assert _logged_in(client)  # the session survives its own password change
    assert Event.objects.filter(kind="auth.password_changed", actor=user, object_id=str(user.pk)).exists()
    assert _login(Client(), user.email).status_code == 200  # the old one no longer works
    assert _login(Client(), user.email, NEW_PASSWORD).status_code == 302


def test_password_change_refuses_weak_passwords(client, world):
    client.force_login(world.a.contractor_staff.user)
    response = client.post(
        reverse("core:password_change"),
        {"old_password": factories.PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert all(JAPANESE.search(e) for e in errors), errors


def _reset_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset(client, world, django_capture_on_commit_callbacks):
    user = world.a.client_admin.user
    # The mail is recorded in the outbox and sent after commit (docs/outbox.md).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:password_reset_done")
    (message,) = mail.outbox
    assert message.to == [user.email]
    path = _reset_path(message)

    response = client.get(path)  # Django moves the token into the session and redirects
    assert response.status_code == 302
    form_url = response.headers["Location"]
    response = client.get(form_url)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:password_reset_complete")
    assert Event.objects.filter(kind="auth.password_reset", actor=user).exists()

    assert _login(Client(), user.email).status_code == 200
    assert _login(Client(), user.email, NEW_PASSWORD).status_code == 302
    # The link is single-use.
    again = Client()
    response = again.get(path, follow=True)
    assert response.context["validlink"] is False


def test_password_reset_for_an_unknown_address_looks_the_same(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:password_reset"), {"email": "nobody@example.jp"})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:password_reset_done")
    # Nothing queued, nothing sent: the outbox row is written with its cause, so none exists.
    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


def test_password_reset_accepts_any_letter_case(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:password_reset"), {"email": "A-ADMIN@EXAMPLE.JP"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.a.client_admin.user.email]


def test_password_reset_sends_nothing_to_a_deactivated_account(
    client, world, django_capture_on_commit_callbacks
):
    staff = world.a.client_staff
    admin = Client()
    admin.force_login(world.a.client_admin.user)
    admin.post(reverse("core:membership_deactivate", args=[staff.pk]))
    OutboundMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:password_reset"), {"email": staff.user.email})
    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "password",
    ["password", "short-pw1", "12345678901234", "a-staff@example.jp", "a-staff-example"],
)
def test_password_validators_refuse(world, password):
    user = world.a.client_staff.user
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, user)


def test_password_validators_accept_a_long_unusual_password(world):
    password_validation.validate_password(NEW_PASSWORD, world.a.client_staff.user)


def test_password_validator_messages_are_japanese():
    with override("ja"), pytest.raises(ValidationError) as exc:
        password_validation.validate_password("password")
    assert all(JAPANESE.search(m) for m in exc.value.messages), exc.value.messages


# --- sessions -----------------------------------------------------------------------------------


def test_session_settings():
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # the age is an idle timeout
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_cookie_is_httponly_and_ends_with_the_browser(client, world):
    response = _login(client, world.a.auditor.user.email)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie


def _session(client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_session_ends_after_idle_time(client, world):
    _login(client, world.a.auditor.user.email)
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(_session(client).expire_date - (timezone.now() + idle)) < timedelta(minutes=1)
    # Activity renews the idle timer ...
    Session.objects.filter(pk=_session(client).pk).update(expire_date=timezone.now() + timedelta(seconds=30))
    assert _logged_in(client)
    assert _session(client).expire_date > timezone.now() + idle - timedelta(minutes=1)
    # ... and a session idle for longer than the limit is over.
    Session.objects.filter(pk=_session(client).pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("core:login"))


# --- language -----------------------------------------------------------------------------------


def test_login_page_switches_to_english(client, db):
    assert 'lang="ja"' in client.get(reverse("core:login")).content.decode()
    response = client.post(reverse("core:set_language"), {"language": "en", "next": reverse("core:login")})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:login")
    page = client.get(reverse("core:login")).content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Forgot your password?" in page


def test_login_page_is_japanese_by_default(client, db):
    page = client.get(reverse("core:login")).content.decode()
    assert '<html lang="ja">' in page
    assert _japanese("Forgot your password?") in page


def test_password_reset_lifts_the_lockout(client, world, django_capture_on_commit_callbacks):
    email = world.a.client_admin.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, email, "wrong-password-123456")
    assert _login(client, email).status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:password_reset"), {"email": email})
    form_url = client.get(_reset_path(mail.outbox[-1])).headers["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert _login(client, email, NEW_PASSWORD).status_code == 302
