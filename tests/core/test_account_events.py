"""Failed log-ins and lock-outs are on the record; an organisation keeps an administrator;
the development outbox answers only the machine it runs on."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Event
from core.services.users import membership_deactivate
from tests import factories


def test_failed_login_is_recorded_for_the_accounts_organisation(client, world):
    user = world.a.contractor_staff.user
    client.post(reverse("core:login"), {"username": user.email.upper(), "password": "wrong-password-123"})
    event = Event.objects.filter(kind="auth.login_failed").latest("id")
    assert event.organisation_id == world.a.contractor.pk
    assert event.data == {"login": user.email}


def test_failed_login_for_an_unknown_address_is_recorded_without_organisation(client, db):
    client.post(reverse("core:login"), {"username": "nobody@example.jp", "password": "wrong-password-123"})
    event = Event.objects.filter(kind="auth.login_failed").latest("id")
    assert event.organisation_id is None and event.object_id == ""


def test_lockout_is_recorded_and_answers_429(client, world, settings):
    user = world.a.client_staff.user
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("core:login"), {"username": user.email, "password": "wrong-password-123"}
        )
    assert response.status_code == 429
    assert "ログイン" in response.content.decode()
    assert Event.objects.filter(kind="auth.locked_out", organisation_id=world.a.body.pk).exists()


def test_the_last_administrator_cannot_be_deactivated(world):
    admin = world.a.contractor_admin
    with pytest.raises(ValidationError):
        membership_deactivate(actor=world.site_admin, actor_membership=None, membership=admin)
    second = factories.member(world.a.contractor, admin.role, email="second-manager@example.jp")
    membership_deactivate(actor=world.site_admin, actor_membership=None, membership=admin)
    admin.refresh_from_db()
    assert not admin.is_active and second.is_active


def test_dev_outbox_only_for_loopback(client, db):
    assert client.get(reverse("core:dev_outbox")).status_code == 200
    assert client.get(reverse("core:dev_outbox"), REMOTE_ADDR="192.0.2.10").status_code == 404
