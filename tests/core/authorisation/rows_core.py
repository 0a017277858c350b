"""Authorisation-matrix rows of the core app (core:): see tests/core/authorisation/__init__.py."""

from __future__ import annotations

from django.urls import reverse

from core.models import Invitation, Membership
from tests.core.authorisation.matrix import ALL_200, POST, PUBLIC_200, Row, everyone
from tests.core.authorisation.world import (
    BOGUS_RESET,
    FORMER,
    IN_BODY,
    INVITATIONS,
    MEMBERS,
    ORGS,
    OWN_OR_FOREIGN,
    UNKNOWN_INVITATION,
    MatrixWorld,
)


def _membership_state(mw: MatrixWorld, kind: str, label: str):
    m = getattr(mw, kind)[label]
    return Membership.objects.filter(pk=m.pk).values_list("is_active", "user__is_active").get()


def _invitation_state(mw: MatrixWorld, label: str):
    return Invitation.objects.filter(pk=mw.invitations[label].pk).values_list("revoked_at", flat=True).get()


AUDIT = """
                  -
anonymous         L
site_admin        200
client_admin      200
client_staff      404
auditor           200
contractor_admin  200
contractor_staff  404
"""

# Who may manage the members (and the invitations, settings) of each organisation.
MANAGE_ORG = """
                  body_a contractor_a body_b contractor_b
anonymous         L      L            L      L
site_admin        {ok}   {ok}         {ok}   {ok}
client_admin      {ok}   404          404    404
client_staff      404    404          404    404
auditor           404    404          404    404
contractor_admin  404    {ok}         404    404
contractor_staff  404    404          404    404
"""

ROWS: dict[str, Row] = {
    "core:home": Row(ALL_200),
    "core:organisation_list": Row(ALL_200),
    "core:profile": Row(ALL_200),
    "core:password_change": Row(ALL_200),
    "core:login": Row(
        """
                  -
anonymous         200
site_admin        R
client_admin      R
client_staff      R
auditor           R
contractor_admin  R
contractor_staff  R
"""
    ),
    "core:logout": Row(everyone("L"), method=POST),
    "core:password_reset": Row(PUBLIC_200),
    "core:password_reset_done": Row(PUBLIC_200),
    "core:password_reset_complete": Row(PUBLIC_200),
    "core:password_reset_confirm": Row(everyone("200", column="bogus"), targets=BOGUS_RESET),
    "core:healthz": Row(everyone("200|503")),
    "core:dev_outbox": Row(PUBLIC_200),
    "core:invitation_accept": Row(everyone("410", column="unknown"), targets=UNKNOWN_INVITATION),
    # Any logged-in person may ask to switch; only their own memberships are honoured
    # (test_membership_switch_ignores_foreign_memberships).
    "core:membership_switch": Row(
        """
                  body_a contractor_a body_b contractor_b
anonymous         L      L            L      L
site_admin        R      R            R      R
client_admin      R      R            R      R
client_staff      R      R            R      R
auditor           R      R            R      R
contractor_admin  R      R            R      R
contractor_staff  R      R            R      R
""",
        method=POST,
        targets=IN_BODY,
        data=lambda mw, user, label: {"membership": mw.members[label].pk, "next": "/"},
    ),
    "core:organisation_detail": Row(
        """
                  body_a contractor_a body_b contractor_b
anonymous         L      L            L      L
site_admin        200    200          200    200
client_admin      200    200          404    404
client_staff      200    200          404    404
auditor           200    200          404    404
contractor_admin  404    200          404    404
contractor_staff  404    200          404    404
""",
        targets=ORGS,
    ),
    "core:organisation_settings": Row(MANAGE_ORG.format(ok=200), targets=ORGS),
    "core:invite": Row(MANAGE_ORG.format(ok=200), targets=ORGS),
    "core:department_create": Row(
        """
                  body_a contractor_a body_b contractor_b
anonymous         L      L            L      L
site_admin        200    404          200    404
client_admin      200    404          404    404
client_staff      404    404          404    404
auditor           404    404          404    404
contractor_admin  404    404          404    404
contractor_staff  404    404          404    404
""",
        targets=ORGS,
    ),
    "core:contractor_invite": Row(
        """
                  -
anonymous         L
site_admin        404
client_admin      200
client_staff      404
auditor           404
contractor_admin  404
contractor_staff  404
"""
    ),
    "core:public_body_create": Row(
        """
                  -
anonymous         L
site_admin        200
client_admin      404
client_staff      404
auditor           404
contractor_admin  404
contractor_staff  404
"""
    ),
    "core:membership_deactivate": Row(
        MANAGE_ORG.format(ok="R"),
        method=POST,
        targets=MEMBERS,
        state=lambda mw, label: _membership_state(mw, "members", label),
    ),
    "core:membership_reactivate": Row(
        MANAGE_ORG.format(ok="R"),
        method=POST,
        targets=FORMER,
        state=lambda mw, label: _membership_state(mw, "former", label),
    ),
    "core:invitation_revoke": Row(
        """
                  body_a ctr_by_client_a contractor_a body_b ctr_by_client_b contractor_b
anonymous         L      L               L            L      L               L
site_admin        R      R               R            R      R               R
client_admin      R      R               404          404    404             404
client_staff      404    404             404          404    404             404
auditor           404    404             404          404    404             404
contractor_admin  404    R               R            404    404             404
contractor_staff  404    404             404          404    404             404
""",
        method=POST,
        targets=INVITATIONS,
        state=_invitation_state,
    ),
    "core:notification_list": Row(ALL_200),
    # Anyone may mark notifications read; only their own are touched
    # (test_notifications_are_personal).
    "core:notification_read": Row(
        """
                  own foreign
anonymous         L   L
site_admin        R   R
client_admin      R   R
client_staff      R   R
auditor           R   R
contractor_admin  R   R
contractor_staff  R   R
""",
        method=POST,
        targets=OWN_OR_FOREIGN,
        data=lambda mw, user, label: {
            "id": mw.notifications[user.pk if label == "own" and user else "foreign"].pk,
            "next": reverse("core:notification_list"),
        },
    ),
    "core:audit_log": Row(AUDIT),
    # GET explains the check and offers the button; the POST that runs it is in tests/core/test_audit.py.
    "core:audit_verify": Row(AUDIT),
}


def rows(m) -> dict[str, Row]:
    return ROWS
