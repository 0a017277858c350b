from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import permissions
from core.audit import changed_fields, record_event
from core.models import Membership, User
from core.validators import NAME, PHONE, check_input

PERSONAL_FIELDS = ("full_name", "full_name_kana", "phone")
PERSONAL_LIMITS = {"full_name": NAME, "full_name_kana": NAME, "phone": PHONE}


@transaction.atomic
def membership_deactivate(
    *, actor: User, actor_membership: Membership | None, membership: Membership
) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    )
    if not permissions.can_manage_members(actor, actor_membership, membership.organisation):
        raise PermissionDenied
    if membership.user_id == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if not membership.is_active:
        return membership
    if (
        membership.is_admin
        and not Membership.objects.filter(
            organisation=membership.organisation, role=membership.role, is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(_("This is the organisation's last administrator: invite another one first."))
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    user = membership.user
    user.groups.remove(membership.organisation.group)
    if membership.department_id:
        user.groups.remove(membership.department.group)
    # Without an active membership nobody can act for anyone: the login itself is closed.
    if not user.is_superuser and not user.memberships.filter(is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
    record_event(
        kind="membership.deactivated",
        actor=actor,
        obj=membership,
        organisation_id=membership.organisation_id,
        data={"user": user.pk},
    )
    return membership


@transaction.atomic
def membership_reactivate(
    *, actor: User, actor_membership: Membership | None, membership: Membership
) -> Membership:
    membership = (
        Membership.objects.select_for_update().select_related("organisation", "user").get(pk=membership.pk)
    )
    if not permissions.can_manage_members(actor, actor_membership, membership.organisation):
        raise PermissionDenied
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    user = membership.user
    user.groups.add(membership.organisation.group)
    if membership.department_id:
        user.groups.add(membership.department.group)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    record_event(
        kind="membership.reactivated",
        actor=actor,
        obj=membership,
        organisation_id=membership.organisation_id,
        data={"user": user.pk},
    )
    return membership


@transaction.atomic
def user_update_profile(*, actor: User, user: User, **fields) -> User:
    if actor.pk != user.pk:
        raise PermissionDenied
    allowed = {*PERSONAL_FIELDS, "language", "notification_mode"}
    if set(fields) - allowed:
        raise ValueError(f"Cannot update {sorted(set(fields) - allowed)}")
    fields = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    # The columns are encrypted text with no length of their own: the profile form's limits.
    check_input(
        texts={name: (fields[name], PERSONAL_LIMITS[name]) for name in PERSONAL_FIELDS if name in fields}
    )
    before = {name: getattr(user, name) for name in fields}
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean()
    user.save()
    changes = changed_fields(user, before, secret=PERSONAL_FIELDS)
    if changes:
        record_event(kind="user.profile_updated", actor=actor, obj=user, data=changes)
    return user


@transaction.atomic
def site_admin_create(*, email: str, password: str, full_name: str = "") -> User:
    from django.contrib.auth import password_validation

    from core.crypto import platform_data_key

    user = User(
        email=email.strip().lower(),
        full_name=full_name,
        is_staff=True,
        is_superuser=True,
        data_key=platform_data_key(),
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    record_event(kind="user.site_admin_created", actor=None, obj=user)
    return user


@transaction.atomic
def user_create_with_membership(
    *,
    actor: User | None,
    organisation,
    email: str,
    role: str,
    full_name: str,
    full_name_kana: str = "",
    password: str | None = None,
    department=None,
) -> Membership:
    """Create an account directly (demo data, site administrators); people otherwise join by invitation."""
    user = User(
        email=email.strip().lower(),
        full_name=full_name,
        full_name_kana=full_name_kana,
        data_key_id=organisation.data_key_id,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    membership = Membership(user=user, organisation=organisation, role=role, department=department)
    membership.full_clean()
    membership.save()
    user.groups.add(organisation.group)
    if department is not None:
        user.groups.add(department.group)
    record_event(
        kind="user.created",
        actor=actor,
        obj=user,
        organisation_id=organisation.pk,
        data={"role": role, "membership": membership.pk},
    )
    return membership


@transaction.atomic
def calendar_token_issue(*, user: User) -> str:
    """Issue a new private calendar-feed token (the old link stops working); only its hash is kept."""
    import hashlib
    import secrets

    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = hashlib.sha256(token.encode()).hexdigest()
    user.save(update_fields=["calendar_token_hash"])
    record_event(kind="calendar.token_issued", actor=user, obj=user)
    return token


@transaction.atomic
def calendar_token_revoke(*, user: User) -> None:
    user.calendar_token_hash = ""
    user.save(update_fields=["calendar_token_hash"])
    record_event(kind="calendar.token_revoked", actor=user, obj=user)
