"""The event kinds core records, with their labels (design.md: each app declares its own).

Registered with core.audit from CoreConfig.ready(). `approval_event_kinds` gives the five kinds
the shared approval workflow (core.approvals) records for an approvable's event prefix, so that
every app declares them the same way.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds

EVENT_KINDS: dict[str, Promise] = {
    # signing in and out (core.views.auth)
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.locked_out": _("Sign-in locked out after repeated failures"),
    "auth.logout": _("Signed out"),
    "auth.password_changed": _("Password changed"),
    "auth.password_reset": _("Password reset"),
    # people, organisations and invitations
    "user.created": _("Account created"),
    "user.site_admin_created": _("Site administrator created"),
    "user.profile_updated": _("Profile updated"),
    "calendar.token_issued": _("Calendar feed address issued"),
    "calendar.token_revoked": _("Calendar feed address revoked"),
    "organisation.created": _("Organisation registered"),
    "organisation.updated": _("Organisation details changed"),
    "organisation.visibility_granted": _("Organisation made visible to a public body"),
    "department.created": _("Department created"),
    "membership.deactivated": _("Membership deactivated"),
    "membership.reactivated": _("Membership reactivated"),
    "membership.switched": _("Organisation switched"),
    "invitation.created": _("Invitation sent"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.revoked": _("Invitation revoked"),
    # reads of personal data and of the trail itself
    "members.viewed": _("Member list viewed"),
    "profile.viewed": _("Profile viewed"),
    "audit_log.viewed": _("Audit trail viewed"),
    "audit_log.verified": _("Audit trail verified"),
    # files, forms and keys
    "file.uploaded": _("File uploaded"),
    "file.downloaded": _("File downloaded"),
    "file.erased": _("File erased"),
    "file.orphans_removed": _("Unattached files removed"),
    "form.downloaded": _("Form downloaded"),
    "keys.rotated": _("Encryption keys rotated"),
    "data_key.destroyed": _("Data key destroyed"),
}

# The past forms core.approvals records (its PAST table); a test keeps the two in step.
APPROVAL_ACTIONS: dict[str, Promise] = {
    "submitted": _("{thing}: submitted"),
    "withdrawn": _("{thing}: withdrawn"),
    "approved": _("{thing}: approved"),
    "returned": _("{thing}: returned for correction"),
    "rejected": _("{thing}: rejected"),
}


def approval_event_kinds(prefix: str, thing: str | Promise) -> dict[str, Promise]:
    """The kinds an approvable with ``event_prefix=prefix`` records, labelled with ``thing``."""
    return {
        f"{prefix}.{action}": format_lazy(label, thing=thing) for action, label in APPROVAL_ACTIONS.items()
    }


def register() -> None:
    register_event_kinds("core", EVENT_KINDS)
