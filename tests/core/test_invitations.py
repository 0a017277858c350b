"""Invitations, end to end through the views: the e-mail, the link, the account, the membership."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from core.models import (
    Event,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OutboundMessage,
    Role,
    User,
)
from core.services import invitations as invitation_services
from tests import factories

GOOD_PASSWORD = "sakura-momiji-2025-kawa"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _japanese(msgid: str) -> str:
    """The Japanese text of one of the project's messages; xfail while locale/ja lacks it."""
    with override("ja"):
        text = gettext(msgid)
    if not JAPANESE.search(text):
        pytest.xfail(f"locale/ja has no (compiled) translation of {msgid!r} yet")
    return text


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitations/accept/[^/\s]+/)", message.body)
    assert match, message.body
    assert match.group(0) in message.alternatives[0][0], "the HTML part has the same link"
    return match.group(1)


def _invite(client, django_capture_on_commit_callbacks, membership, org, **data):
    client.force_login(membership.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:invite", args=[org.pk]), data)
    client.logout()
    return response


def _new_account(**overrides):
    data = {"full_name": "新井 花子", "full_name_kana": "アライ ハナコ"}
    data.update(password1=GOOD_PASSWORD, password2=GOOD_PASSWORD)
    data.update(overrides)
    return data


@pytest.fixture
def staff_link(client, world, django_capture_on_commit_callbacks):
    """client_admin a invites new.person@example.jp as department-scoped staff; the link."""
    response = _invite(
        client,
        django_capture_on_commit_callbacks,
        world.a.client_admin,
        world.a.body,
        email="New.Person@Example.jp",
        role=Role.CLIENT_STAFF,
        department=world.a.dept.pk,
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:organisation_detail", args=[world.a.body.pk])
    assert len(mail.outbox) == 1
    return _link(mail.outbox[0])


def test_invitation_mail_goes_to_the_invitee_after_commit(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.a.client_admin.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("core:invite", args=[world.a.body.pk]), {"email": "x@example.jp", "role": Role.AUDITOR}
        )
    assert mail.outbox == []  # nothing leaves before the transaction commits
    # The mail is an outbox row; its send is published on commit (the audit trail adds its own
    # callback too, so run them all as the commit would).
    assert OutboundMessage.objects.filter(kind="invitation").count() == 1
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["x@example.jp"]
    assert world.a.body.name in message.subject
    assert "/invitations/accept/" in message.body
    # Only the hash of the token is stored: the link is not in the database.
    token = _link(message).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(email="x@example.jp")
    assert invitation.token_hash == invitation_services.token_hash(token)
    assert token not in invitation.token_hash


def test_full_flow_new_person(client, world, staff_link):
    email = "new.person@example.jp"
    invitation = Invitation.objects.get(email=email)
    response = client.get(staff_link)
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"full_name", "full_name_kana", "password1", "password2"}
    assert response.context["existing"] is False

    # A weak password: a Japanese message at the password field, and nothing is created.
    response = client.post(staff_link, _new_account(password1="password", password2="password"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["password1"]
    assert all(JAPANESE.search(e) for e in errors["password1"]), errors
    assert not User.objects.filter(email=email).exists()
    assert not Membership.objects.filter(user__email=email).exists()
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING

    response = client.post(staff_link, _new_account())
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:home")
    user = User.objects.get(email=email)
    assert response.wsgi_request.user == user
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert home.context["user"] == user
    assert user.full_name == "新井 花子"
    assert user.check_password(GOOD_PASSWORD)

    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role, membership.department) == (
        world.a.body,
        Role.CLIENT_STAFF,
        world.a.dept,
    )
    assert membership.is_active
    groups = set(user.groups.all())
    assert {world.a.body.group, world.a.dept.group} <= groups

    events = {e.kind: e for e in Event.objects.filter(organisation=world.a.body).order_by("id")}
    assert events["invitation.created"].object_id == str(invitation.pk)
    assert events["invitation.created"].actor == world.a.client_admin.user
    assert events["user.created"].object_id == str(user.pk)
    assert events["invitation.accepted"].object_id == str(invitation.pk)
    assert events["invitation.accepted"].actor == user
    assert events["invitation.accepted"].data["membership"] == membership.pk
    assert "新井" not in str(events["user.created"].data)

    # The link works once.
    client.logout()
    assert client.get(staff_link).status_code == 410
    assert client.post(staff_link, _new_account()).status_code == 410
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.ACCEPTED


def test_password_mismatch_is_refused(client, world, staff_link):
    response = client.post(staff_link, _new_account(password2="something-else-2025"))
    assert response.status_code == 200
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(email="new.person@example.jp").exists()


def test_weak_password_message_names_the_rule(client, world, staff_link):
    response = client.post(staff_link, _new_account(password1="short1", password2="short1"))
    with override("ja"):
        from django.contrib.auth.password_validation import MinimumLengthValidator

        expected = MinimumLengthValidator(12).get_error_message()
    assert expected in response.context["form"].errors["password1"]


def test_expired_link_is_gone(client, world, staff_link):
    Invitation.objects.filter(email="new.person@example.jp").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(staff_link)
    assert response.status_code == 410
    assert client.post(staff_link, _new_account()).status_code == 410
    assert not User.objects.filter(email="new.person@example.jp").exists()


def test_link_still_works_just_before_expiry(client, world, staff_link):
    Invitation.objects.filter(email="new.person@example.jp").update(
        expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert client.get(staff_link).status_code == 200


def test_new_invitation_supersedes_the_old(client, world, staff_link, django_capture_on_commit_callbacks):
    old = Invitation.objects.get(email="new.person@example.jp")
    _invite(
        client,
        django_capture_on_commit_callbacks,
        world.a.client_admin,
        world.a.body,
        email="new.person@example.jp",
        role=Role.AUDITOR,
    )
    assert len(mail.outbox) == 2
    new_link = _link(mail.outbox[1])
    assert client.get(staff_link).status_code == 410
    assert client.get(new_link).status_code == 200
    assert Invitation.objects.get(pk=old.pk).status == Invitation.Status.REVOKED
    revoked = Event.objects.get(kind="invitation.revoked", object_id=str(old.pk))
    assert revoked.data == {"reason": "superseded"}
    client.post(new_link, _new_account())
    assert Membership.objects.get(user__email="new.person@example.jp").role == Role.AUDITOR


def test_revoked_link_is_gone(client, world, staff_link):
    invitation = Invitation.objects.get(email="new.person@example.jp")
    client.force_login(world.a.client_admin.user)
    response = client.post(reverse("core:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    assert Event.objects.filter(kind="invitation.revoked", object_id=str(invitation.pk)).exists()
    client.logout()
    assert client.get(staff_link).status_code == 410


def test_pending_invitation_is_listed_for_the_admin_only(client, world, staff_link):
    client.force_login(world.a.client_admin.user)
    response = client.get(reverse("core:organisation_detail", args=[world.a.body.pk]))
    assert [i.email for i in response.context["invitations"]] == ["new.person@example.jp"]
    client.force_login(world.a.client_staff.user)
    response = client.get(reverse("core:organisation_detail", args=[world.a.body.pk]))
    assert list(response.context["invitations"]) == []
    assert "new.person@example.jp" not in response.content.decode()


# --- someone who already has an account ---------------------------------------------------------


@pytest.fixture
def existing_link(client, world, django_capture_on_commit_callbacks):
    """client_admin a invites body b's staff member (who has an account) as auditor of body a."""
    response = _invite(
        client,
        django_capture_on_commit_callbacks,
        world.a.client_admin,
        world.a.body,
        email=world.b.client_staff.user.email,
        role=Role.AUDITOR,
    )
    assert response.status_code == 302
    return _link(mail.outbox[-1])


def test_existing_user_joins_with_their_password(client, world, existing_link):
    person = world.b.client_staff.user
    response = client.get(existing_link)
    assert response.status_code == 200
    assert response.context["existing"] is True
    assert set(response.context["form"].fields) == {"existing_password"}

    response = client.post(existing_link, {"existing_password": "not-my-password-at-all"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["existing_password"]
    assert not Membership.objects.filter(user=person, organisation=world.a.body).exists()

    response = client.post(existing_link, {"existing_password": factories.PASSWORD})
    assert response.status_code == 302
    joined = Membership.objects.get(user=person, organisation=world.a.body)
    assert joined.role == Role.AUDITOR
    assert joined.department is None
    # Still a member of body b, with the same name and password.
    assert Membership.objects.get(user=person, organisation=world.b.body).is_active
    person.refresh_from_db()
    assert person.full_name == "山田 太郎"
    assert person.check_password(factories.PASSWORD)
    assert world.a.body.group in person.groups.all()
    assert not Event.objects.filter(kind="user.created", object_id=str(person.pk), organisation=world.a.body)
    assert client.get(existing_link).status_code == 410


def test_existing_user_wrong_password_message_is_japanese(client, world, existing_link):
    response = client.post(existing_link, {"existing_password": "not-my-password-at-all"})
    (message,) = response.context["form"].errors["existing_password"]
    assert message == _japanese("The password of your existing account is wrong.")


def test_inviting_an_active_member_again_is_refused(client, world):
    client.force_login(world.a.client_admin.user)
    response = client.post(
        reverse("core:invite", args=[world.a.body.pk]),
        {"email": world.a.auditor.user.email.upper(), "role": Role.CLIENT_STAFF},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.filter(email=world.a.auditor.user.email).exists()


# --- contractors --------------------------------------------------------------------------------


def _contractor_invite(client, django_capture_on_commit_callbacks, membership, **data):
    client.force_login(membership.user)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("core:contractor_invite"), data)


def test_client_admin_invites_a_new_contractor(client, world, django_capture_on_commit_callbacks):
    response = _contractor_invite(
        client,
        django_capture_on_commit_callbacks,
        world.a.client_admin,
        contractor_name="  新規システム株式会社 ",
        email="boss@new-systems.example.jp",
    )
    org = Organisation.objects.get(name="新規システム株式会社")
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:organisation_detail", args=[org.pk])
    assert org.kind == OrganisationKind.CONTRACTOR
    assert org.invited_by_organisation == world.a.body
    invitation = Invitation.objects.get(organisation=org)
    assert (invitation.role, invitation.email) == (Role.CONTRACTOR_ADMIN, "boss@new-systems.example.jp")
    assert Event.objects.filter(kind="organisation.created", object_id=str(org.pk)).exists()
    link = _link(mail.outbox[-1])

    url = reverse("core:organisation_detail", args=[org.pk])
    for who, status in [
        (world.a.client_admin, 200),
        (world.a.client_staff, 200),
        (world.a.auditor, 200),
        (world.a.contractor_admin, 404),
        (world.b.client_admin, 404),
        (world.b.client_staff, 404),
        (world.b.auditor, 404),
        (world.b.contractor_admin, 404),
    ]:
        client.force_login(who.user)
        assert client.get(url).status_code == status, who.role
    client.force_login(world.a.client_staff.user)
    listed = {o.name for o in client.get(reverse("core:organisation_list")).context["page"].object_list}
    assert "新規システム株式会社" in listed

    # The new manager accepts and sees their organisation, not the body.
    client.logout()
    client.post(link, _new_account(full_name="社長 一郎"))
    manager = Membership.objects.get(user__email="boss@new-systems.example.jp")
    assert (manager.organisation, manager.role) == (org, Role.CONTRACTOR_ADMIN)
    assert client.get(url).status_code == 200
    assert client.get(reverse("core:organisation_detail", args=[world.a.body.pk])).status_code == 404
    # ... and invites their own staff.
    assert client.get(reverse("core:invite", args=[org.pk])).status_code == 200


def test_duplicate_contractor_name_is_refused(client, world, django_capture_on_commit_callbacks):
    before = Organisation.objects.count()
    response = _contractor_invite(
        client,
        django_capture_on_commit_callbacks,
        world.a.client_admin,
        contractor_name=world.a.contractor.name,
        email="someone@example.jp",
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["contractor_name"]
    assert Organisation.objects.count() == before
    assert not Invitation.objects.filter(email="someone@example.jp").exists()
    assert mail.outbox == []


def test_contractor_name_or_choice_is_required(client, world, django_capture_on_commit_callbacks):
    response = _contractor_invite(
        client, django_capture_on_commit_callbacks, world.a.client_admin, email="someone@example.jp"
    )
    assert response.status_code == 200
    assert "contractor_name" in response.context["form"].errors


def test_client_admin_invites_into_an_existing_contractor(client, world, django_capture_on_commit_callbacks):
    response = _contractor_invite(
        client,
        django_capture_on_commit_callbacks,
        world.a.client_admin,
        contractor=world.a.contractor.pk,
        email="second.manager@example.jp",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("core:organisation_detail", args=[world.a.contractor.pk])
    invitation = Invitation.objects.get(email="second.manager@example.jp")
    assert (invitation.organisation, invitation.role) == (world.a.contractor, Role.CONTRACTOR_ADMIN)
    assert len(mail.outbox) == 1


def test_contractor_choices_are_the_bodys_own(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.b.client_admin.user)
    form = client.get(reverse("core:contractor_invite")).context["form"]
    assert list(form.fields["contractor"].queryset) == [world.b.contractor]
    response = _contractor_invite(
        client,
        django_capture_on_commit_callbacks,
        world.b.client_admin,
        contractor=world.a.contractor.pk,
        email="intruder@example.jp",
    )
    assert response.status_code == 200
    assert "contractor" in response.context["form"].errors
    assert not Invitation.objects.filter(email="intruder@example.jp").exists()


def test_contractor_admin_invites_staff_but_no_client_role(client, world, django_capture_on_commit_callbacks):
    manager = world.a.contractor_admin
    client.force_login(manager.user)
    form = client.get(reverse("core:invite", args=[world.a.contractor.pk])).context["form"]
    assert [value for value, _ in form.fields["role"].choices] == [
        Role.CONTRACTOR_ADMIN,
        Role.CONTRACTOR_STAFF,
    ]
    assert "department" not in form.fields

    response = client.post(
        reverse("core:invite", args=[world.a.contractor.pk]),
        {"email": "boss@example.jp", "role": Role.CLIENT_ADMIN},
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.filter(email="boss@example.jp").exists()

    response = _invite(
        client,
        django_capture_on_commit_callbacks,
        manager,
        world.a.contractor,
        email="worker2@example.jp",
        role=Role.CONTRACTOR_STAFF,
    )
    assert response.status_code == 302
    client.post(_link(mail.outbox[-1]), _new_account(full_name="作業 次郎"))
    worker = Membership.objects.get(user__email="worker2@example.jp")
    assert (worker.organisation, worker.role) == (world.a.contractor, Role.CONTRACTOR_STAFF)


@pytest.mark.parametrize("role", [Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.AUDITOR])
def test_service_refuses_client_roles_from_a_contractor_admin(world, role):
    manager = world.a.contractor_admin
    with pytest.raises(PermissionDenied):
        invitation_services.invitation_create(
            actor=manager.user,
            actor_membership=manager,
            organisation=world.a.contractor,
            email="boss@example.jp",
            role=role,
        )
    with pytest.raises(PermissionDenied):
        invitation_services.invitation_create(
            actor=manager.user,
            actor_membership=manager,
            organisation=world.a.body,
            email="boss@example.jp",
            role=role,
        )
    assert not Invitation.objects.filter(email="boss@example.jp").exists()


@pytest.mark.parametrize(
    ("who", "org", "role"),
    [
        ("contractor_staff", "contractor", Role.CONTRACTOR_STAFF),
        ("client_staff", "body", Role.CLIENT_STAFF),
        ("auditor", "body", Role.AUDITOR),
        ("client_admin", "foreign_body", Role.CLIENT_STAFF),
        ("contractor_admin", "foreign_contractor", Role.CONTRACTOR_STAFF),
        ("client_admin", "body", Role.CONTRACTOR_STAFF),
    ],
)
def test_service_refuses_invitations_outside_ones_remit(world, who, org, role):
    actor = getattr(world.a, who)
    organisation = {
        "body": world.a.body,
        "contractor": world.a.contractor,
        "foreign_body": world.b.body,
        "foreign_contractor": world.b.contractor,
    }[org]
    with pytest.raises(PermissionDenied):
        invitation_services.invitation_create(
            actor=actor.user,
            actor_membership=actor,
            organisation=organisation,
            email="x@example.jp",
            role=role,
        )


def test_service_refuses_a_manager_for_another_bodys_contractor(world):
    intruder = world.b.client_admin
    with pytest.raises(PermissionDenied):
        invitation_services.invitation_create(
            actor=intruder.user,
            actor_membership=intruder,
            organisation=world.a.contractor,
            email="takeover@example.jp",
            role=Role.CONTRACTOR_ADMIN,
        )


# --- who the invitation is from ---------------------------------------------------------------


def test_contractor_invitation_names_the_inviting_body_as_sender(
    client, world, django_capture_on_commit_callbacks
):
    """The e-mail is from the public body that invites; the new contractor is what to join."""
    _contractor_invite(
        client,
        django_capture_on_commit_callbacks,
        world.a.client_admin,
        contractor_name="招待先システム株式会社",
        email="boss@invitee.example.jp",
    )
    message = mail.outbox[-1]
    body = world.a.body.name
    assert message.subject == f"【委託先情報セキュリティ管理ポータル】{body}からの招待"
    assert "招待先システム株式会社からの招待" not in message.subject
    for text in (message.body, message.alternatives[0][0]):
        assert f"{body}から、委託先情報セキュリティ管理ポータルへの招待が届きました。" in text
        assert "招待先システム株式会社の「" in text


def test_colleague_invitation_names_the_own_organisation_once(client, world, staff_link):
    message = mail.outbox[-1]
    body = world.a.body.name
    assert message.subject == f"【委託先情報セキュリティ管理ポータル】{body}からの招待"
    assert f"{body}から、" in message.body
    assert f"{body}の「" in message.body
