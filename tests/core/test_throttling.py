"""Guessing passwords is limited per account and address and per address (core.throttling), and
the invitation page's check of an existing account's password counts as a log-in."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.models import Event, Membership, Role
from core.services import invitations as invitation_services
from tests import factories

WRONG = "wrong-password-123456"


def _login(client, email: str, password: str = factories.PASSWORD):
    return client.post(reverse("core:login"), {"username": email, "password": password})


def _accounts(world, count: int) -> list[str]:
    return [
        factories.member(world.a.contractor, Role.CONTRACTOR_STAFF, email=f"spray{i}@example.jp").user.email
        for i in range(count)
    ]


def test_one_address_guessing_over_many_accounts_is_locked_out(client, world):
    per_account = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock any one account
    accounts = _accounts(world, settings.AXES_ADDRESS_FAILURE_LIMIT // per_account + 1)
    answers = [_login(client, email, WRONG).status_code for email in accounts for _ in range(per_account)]
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    # As for one account, the failure that reaches the limit is answered with the lock-out.
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert set(answers[limit - 1 :]) == {429}
    # Locked as an address: even a right password of an untouched account is refused from it ...
    assert _login(Client(), world.a.client_admin.user.email).status_code == 429
    assert Event.objects.filter(kind="auth.locked_out").exists()
    # ... while the same accounts still log in from elsewhere.
    assert _login(Client(REMOTE_ADDR="192.0.2.44"), accounts[0]).status_code == 302


def test_logging_in_to_ones_own_account_does_not_forgive_the_address(client, world):
    accounts = _accounts(world, (settings.AXES_ADDRESS_FAILURE_LIMIT - 2) // 2)
    for email in accounts:
        for _ in range(2):
            _login(client, email, WRONG)
    own = world.a.client_staff.user.email
    assert _login(client, own, WRONG).status_code == 200  # one failure of one's own, then the password
    assert _login(Client(), own).status_code == 302
    # Only the own account's failure was forgiven; the guesses at the others still count.
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").count() == len(accounts)
    assert _login(client, accounts[0], WRONG).status_code == 200
    assert _login(client, accounts[1], WRONG).status_code == 429


def test_the_per_account_lock_still_comes_first(client, world):
    email = world.a.client_staff.user.email
    codes = [_login(client, email, WRONG).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert codes[-1] == 429 and set(codes[:-1]) == {200}
    # Other accounts from the same address are not locked by one account's failures.
    assert _login(Client(), world.a.auditor.user.email).status_code == 302


def _existing_account_link(world) -> str:
    """Body a invites body b's staff member, who already has an account."""
    admin = world.a.client_admin
    _invitation, token = invitation_services.invitation_create(
        actor=admin.user,
        actor_membership=admin,
        organisation=world.a.body,
        email=world.b.client_staff.user.email,
        role=Role.AUDITOR,
    )
    return reverse("core:invitation_accept", args=[token])


def test_the_invitation_page_counts_password_guesses_like_the_login(client, world):
    link = _existing_account_link(world)
    person = world.b.client_staff.user
    codes = []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        codes.append(client.post(link, {"existing_password": "guess-" + WRONG}).status_code)
    assert codes[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert codes[-1] == 429
    # The right password is refused too while the lock lasts, and nothing was joined.
    assert client.post(link, {"existing_password": factories.PASSWORD}).status_code == 429
    assert not Membership.objects.filter(user=person, organisation=world.a.body).exists()
    # Each guess is on the record of the account's organisation; the guesses themselves are not kept.
    failed = Event.objects.filter(kind="auth.login_failed", object_id=str(person.pk))
    assert failed.count() == settings.AXES_FAILURE_LIMIT
    assert all(e.data == {"login": person.email, "via": "invitation"} for e in failed)
    assert failed.first().organisation_id == world.b.body.pk
    attempt = AccessAttempt.objects.get(username=person.email)
    assert "guess-" not in attempt.post_data
    # The lock is the account's: the same person's log-in from this address is refused as well.
    assert _login(Client(), person.email).status_code == 429


def test_the_invitation_page_still_joins_with_the_right_password(client, world):
    link = _existing_account_link(world)
    person = world.b.client_staff.user
    assert client.post(link, {"existing_password": WRONG}).status_code == 200
    response = client.post(link, {"existing_password": factories.PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, organisation=world.a.body, is_active=True).exists()
