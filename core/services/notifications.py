"""In-portal notifications, and the e-mail that carries an approval notice to the other side.

Approval e-mail follows the person's preference as reminders do (compliance.services.delivery):
`immediate` people get one message per transition through the outbox, `digest` people get none
here because the notification itself is what the daily digest (`digests_send`) collects. So
there is one mechanism for "mail now or in the digest", not one per kind of notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Membership, Notification, Organisation, OutboundMessage, User
from core.notifications import render_email, site_url
from core.services.outbox import message_enqueue, message_key

if TYPE_CHECKING:
    from core.approvals import ApprovalPolicy

# The outbox kind and key prefix of approval mail (docs/outbox.md).
OUTBOUND_APPROVAL = "approval"


def notification_create(*, user: User, title: str, body: str = "", url: str = "") -> Notification:
    note = Notification(user=user, title=title[:300], body=body, url=url)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@dataclass(frozen=True)
class TransitionNotice:
    """One approval transition as its notice tells it (core.approvals.approval_transition)."""

    actor: User
    obj: Any  # the Approvable, as saved by the transition
    action: str  # core.approvals.ApprovalAction
    policy: ApprovalPolicy
    reason: str
    path: str  # the item's page in the portal ("" for an unregistered model)
    occurred_at: datetime  # the transition's time (its submitted_at / decided_at)
    organisation_id: int | None  # the organisation the actor acts for, as the audit trail records it
    key: str  # names the transition: the mails' keys are built from it


def _mail_now(users: Iterable[User]) -> list[User]:
    """Who of these gets the mail now: active people who chose immediate mail and still belong to
    an active organisation. Read afresh, not from the policy's objects: `notify` may hand us a
    contract's responsible person whose membership has been closed since."""
    pks = {u.pk for u in users}
    if not pks:
        return []
    active = Membership.objects.filter(is_active=True, organisation__is_active=True)
    return list(
        User.objects.filter(
            pk__in=pks,
            is_active=True,
            notification_mode=User.NotificationMode.IMMEDIATE,
            memberships__in=active,
        )
        .distinct()
        .select_related("data_key")
        .order_by("pk")
    )


def _acting_organisation(notice: TransitionNotice) -> str:
    """The name of the organisation the actor acted for: the one the audit trail recorded (the
    request's membership), else their only active membership on the acting side."""
    from core.approvals import SUBMITTER_ACTIONS

    if notice.organisation_id:
        name = Organisation.objects.filter(pk=notice.organisation_id).values_list("name", flat=True).first()
        if name:
            return name
    memberships = [
        m
        for m in Membership.objects.filter(user=notice.actor, is_active=True).select_related("organisation")
        if (m.is_contractor_side if notice.action in SUBMITTER_ACTIONS else m.is_client_side)
    ]
    names = {m.organisation.name for m in memberships}
    return names.pop() if len(names) == 1 else ""


def _step(notice: TransitionNotice) -> str:
    """What the mail says happened: a submission is a request for a decision, or a notice where
    nobody decides (a roster change under notice-only clauses); otherwise the action itself."""
    from core.approvals import ApprovalAction

    if notice.action == ApprovalAction.SUBMIT:
        return "request" if notice.policy.offers(notice.obj, ApprovalAction.APPROVE) else "notice"
    return str(notice.action)


def approval_mail_context(*, notice: TransitionNotice, recipient: User, organisation: str) -> dict:
    """What templates/emails/approval_* read, in the language active when it is called (the
    item's title is translated by the domain's policy when it is read)."""
    from core.approvables import kind_of

    try:
        kind = kind_of(notice.obj)
    except LookupError:
        kind = None
    where = kind.where(notice.obj) if kind is not None else None
    return {
        "step": _step(notice),
        "recipient": str(recipient),
        # The registry's label ("名簿の変更 第1号"): the contract has its own line. The policy's
        # title, which names the contract too, is for the bell's one-line notice.
        "thing": kind.title(notice.obj) if kind is not None else notice.policy.title(notice.obj),
        "contract": where.label if where else "",
        "party": where.party if where else "",
        "actor": str(notice.actor),
        "organisation": organisation,
        # Who acted, as people sign a letter: their organisation, then their name.
        "by": f"{organisation} {notice.actor}" if organisation else str(notice.actor),
        "occurred_at": notice.occurred_at,
        "reason": notice.reason,
        # The notification stores a path; a mail needs it on the configured site URL.
        "url": site_url(notice.path) if notice.path else site_url(reverse("core:notification_list")),
        "profile_url": site_url(reverse("core:profile")),
        "language": recipient.language,
    }


@dataclass(frozen=True)
class PreparedMail:
    key: str
    to: list[str]
    subject: str
    body: str
    html: str


def approval_mails_render(*, notice: TransitionNotice, recipients: Iterable[User]) -> list[PreparedMail]:
    """The e-mail of each recipient who wants it now, rendered in their language. Called before
    the transition's event: the event takes the audit trail's portal-wide lock until COMMIT, and
    rendering (templates, the recipients' and organisation's queries) must not happen under it.
    Digest users get no mail here: the daily digest carries their notification."""
    users = _mail_now(recipients)
    if not users:
        return []
    organisation = _acting_organisation(notice)
    mails = []
    for user in users:
        with translation.override(user.language):
            context = approval_mail_context(notice=notice, recipient=user, organisation=organisation)
        subject, body, html = render_email(
            template=OUTBOUND_APPROVAL, context=context, language=user.language
        )
        mails.append(
            PreparedMail(
                key=message_key(OUTBOUND_APPROVAL, notice.key, user.pk),
                to=[user.email],
                subject=subject,
                body=body,
                html=html,
            )
        )
    return mails


def approval_mails_enqueue(mails: Iterable[PreparedMail]) -> list[OutboundMessage]:
    """Record the rendered mails in the caller's transaction (the outbox sends them after COMMIT):
    the outbox row exists exactly when the transition does. A mail's key names the transition and
    the person, so recording the same transition again records nothing."""
    return [
        message_enqueue(
            key=m.key, kind=OUTBOUND_APPROVAL, to=m.to, subject=m.subject, body=m.body, html=m.html
        )
        for m in mails
    ]
