from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.audit import record_event
from core.models import Department, Invitation, Membership, Organisation, OrganisationKind, Role, User
from core.notifications import send_templated_email, site_url
from core.selectors import contractors_of_public_body
from core.services.organisations import organisation_create, organisation_grant_visibility
from core.validators import NAME, check_input, text_error


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role_fits(organisation: Organisation, role: str, department: Department | None) -> None:
    client_roles = {Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.AUDITOR}
    if organisation.is_public_body != (role in client_roles):
        raise ValidationError({"role": _("This role does not exist in this kind of organisation.")})
    if department is not None and department.organisation_id != organisation.pk:
        raise ValidationError({"department": _("The department belongs to another organisation.")})


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    actor_membership: Membership | None,
    organisation: Organisation,
    email: str,
    role: str,
    department: Department | None = None,
) -> tuple[Invitation, str]:
    """Invite someone; returns the invitation and the one-time token (only ever in the e-mail)."""
    if role not in permissions.invitable_roles(actor, actor_membership, organisation) and not (
        role == Role.CONTRACTOR_ADMIN
        and organisation.kind == OrganisationKind.CONTRACTOR
        and permissions.can_invite_contractors(actor, actor_membership)
        # Only into a contractor the body already works with (or has just registered).
        and contractors_of_public_body(actor_membership).filter(pk=organisation.pk).exists()
    ):
        raise PermissionDenied(_("You may not invite people with this role into this organisation."))
    return _invitation_issue(
        actor=actor,
        actor_membership=actor_membership,
        organisation=organisation,
        email=email,
        role=role,
        department=department,
    )


def _invitation_issue(
    *,
    actor: User,
    actor_membership: Membership | None,
    organisation: Organisation,
    email: str,
    role: str,
    department: Department | None = None,
    mail_context: dict | None = None,
) -> tuple[Invitation, str]:
    """The one way an invitation is made and mailed, once the caller has checked that the actor
    may invite this role into this organisation."""
    email = email.strip().lower()
    _check_role_fits(organisation, role, department)
    if Membership.objects.filter(organisation=organisation, user__email=email, is_active=True).exists():
        raise ValidationError({"email": _("This person is already a member of the organisation.")})
    # A new invitation replaces any pending one for the same person, so only one link works.
    now = timezone.now()
    for old in Invitation.objects.select_for_update().filter(
        organisation=organisation, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
        record_event(
            kind="invitation.revoked",
            actor=actor,
            obj=old,
            organisation_id=organisation.pk,
            data={"reason": "superseded"},
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        department=department,
        role=role,
        email=email,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    record_event(
        kind="invitation.created",
        actor=actor,
        obj=invitation,
        organisation_id=organisation.pk,
        data={"role": role},
    )
    send_templated_email(
        to=[email],
        template="invitation",
        key=f"invitation:{invitation.pk}",
        context={
            "invitation": invitation,
            "organisation": organisation,
            "inviter_organisation": actor_membership.organisation if actor_membership else None,
            "url": site_url(reverse("core:invitation_accept", args=[token])),
            "role": invitation.get_role_display(),
            **(mail_context or {}),
        },
    )
    return invitation, token


@transaction.atomic
def contractor_invite(
    *,
    actor: User,
    actor_membership: Membership,
    contractor: Organisation | None,
    contractor_name: str,
    email: str,
) -> tuple[Invitation, str]:
    """A public body brings in a contractor: creates it when new, and invites its manager."""
    if not permissions.can_invite_contractors(actor, actor_membership):
        raise PermissionDenied(_("Only a public body's administrator may invite contractors."))
    if contractor is None:
        name = contractor_name.strip()
        if not name:
            raise ValidationError({"contractor_name": _("Enter the contractor's name or choose one.")})
        if Organisation.objects.filter(kind=OrganisationKind.CONTRACTOR, name=name).exists():
            raise ValidationError(
                {"contractor_name": _("A contractor with this name is already registered.")}
            )
        contractor = organisation_create(
            actor=actor,
            kind=OrganisationKind.CONTRACTOR,
            name=name,
            invited_by_organisation=actor_membership.organisation,
        )
    return invitation_create(
        actor=actor,
        actor_membership=actor_membership,
        organisation=contractor,
        email=email,
        role=Role.CONTRACTOR_ADMIN,
    )


@transaction.atomic
def subcontractor_invite(
    *,
    actor: User,
    actor_membership: Membership,
    public_body: Organisation,
    name: str,
    email: str,
    manager_name: str = "",
) -> tuple[Organisation, Invitation, str]:
    """A contractor's manager brings in a company it entrusts work to and that is not in the
    portal yet: the same as contractor_invite (the contractor is created, its manager invited,
    and a member of the new organisation exists once the invitation is accepted), except that
    the inviter is a contractor, and the public body the work is done for sees the new company
    too (it approves the subcontract). Errors name `name`, `email` and `manager_name`."""
    if not permissions.can_invite_subcontractors(actor, actor_membership, public_body):
        raise PermissionDenied(_("Only a contractor's manager may invite a subcontractor."))
    name = " ".join((name or "").split())
    manager_name = " ".join((manager_name or "").split())
    errors = {}
    if not name:
        errors["name"] = _("Enter the name of the new subcontractor.")
    elif Organisation.objects.filter(kind=OrganisationKind.CONTRACTOR, name=name).exists():
        # Only an organisation of this exact name blocks a new one; which body it works with stays
        # unsaid (docs/subcontracts.md).
        errors["name"] = _(
            "An organisation of this name is already registered in the portal: ask the public body "
            "to bring it in for this contract, or check the name."
        )
    if not manager_name:
        errors["manager_name"] = _("Enter the full name of the new subcontractor's manager.")
    elif message := text_error(manager_name, NAME):
        errors["manager_name"] = message
    if not (email or "").strip():
        errors["email"] = _("Enter the e-mail address of the new subcontractor's manager.")
    if errors:
        raise ValidationError(errors)
    inviter = actor_membership.organisation
    organisation = organisation_create(
        actor=actor, kind=OrganisationKind.CONTRACTOR, name=name, invited_by_organisation=inviter
    )
    organisation_grant_visibility(actor=actor, organisation=organisation, to=public_body)
    invitation, token = _invitation_issue(
        actor=actor,
        actor_membership=actor_membership,
        organisation=organisation,
        email=email,
        role=Role.CONTRACTOR_ADMIN,
        mail_context={"addressee": manager_name, "for_public_body": public_body},
    )
    return organisation, invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "department")
        .filter(token_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(
    *, token: str, full_name: str, full_name_kana: str, password: str, existing_password: str = ""
) -> User:
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This invitation link is no longer valid. Ask for a new invitation.")}
        )
    organisation = invitation.organisation
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        check_input(
            texts={"full_name": (full_name.strip(), NAME), "full_name_kana": (full_name_kana.strip(), NAME)}
        )
        user = User(
            email=invitation.email,
            full_name=full_name.strip(),
            full_name_kana=full_name_kana.strip(),
            data_key_id=organisation.data_key_id,
        )
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
        user.full_clean()
        user.save()
        record_event(kind="user.created", actor=user, obj=user, organisation_id=organisation.pk)
    else:
        # Someone who already has an account proves it is theirs before joining another body.
        if not user.check_password(existing_password):
            raise ValidationError({"existing_password": _("The password of your existing account is wrong.")})
        user.is_active = True
        user.save(update_fields=["is_active"])
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": invitation.role, "department": invitation.department},
    )
    if not created:
        membership.role = invitation.role
        membership.department = invitation.department
        membership.is_active = True
        membership.deactivated_at = None
        membership.full_clean()
        membership.save()
    user.groups.add(organisation.group)
    if invitation.department is not None:
        user.groups.add(invitation.department.group)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    record_event(
        kind="invitation.accepted",
        actor=user,
        obj=invitation,
        organisation_id=organisation.pk,
        data={"role": invitation.role, "membership": membership.pk},
    )
    return user


@transaction.atomic
def invitation_revoke(
    *, actor: User, actor_membership: Membership | None, invitation: Invitation
) -> Invitation:
    if not permissions.can_revoke_invitation(actor, actor_membership, invitation):
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == Invitation.Status.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_event(
            kind="invitation.revoked", actor=actor, obj=invitation, organisation_id=invitation.organisation_id
        )
    return invitation
