"""Outgoing e-mail: rendered in the recipient's language, recorded in the outbox (docs/outbox.md).

Every link in a mail is built from settings.SITE_URL (`site_url()`), never from the request's
Host header, which whoever sends the request chooses.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import TemplateDoesNotExist, render_to_string
from django.utils import translation

from core.models import OutboundMessage
from core.services.outbox import message_enqueue


def site_url(path: str = "") -> str:
    """An absolute link into the portal, on the configured site URL."""
    return settings.SITE_URL.rstrip("/") + path


def render_email(*, template: str, context: dict, language: str = "ja") -> tuple[str, str, str]:
    """(subject, body, html) of templates/emails/<template>_{subject,body}.txt (+ _body.html)."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/{template}_body.txt", context)
        try:
            html = render_to_string(f"emails/{template}_body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return subject, body, html


def send_templated_email(
    *, to: list[str], template: str, context: dict, key: str, language: str = "ja"
) -> OutboundMessage:
    """Render the mail and record it in the outbox in the caller's transaction.

    `key` names the message's cause (e.g. "invitation:42"): enqueueing it again records nothing.
    """
    subject, body, html = render_email(template=template, context=context, language=language)
    return message_enqueue(key=key, kind=template, to=to, subject=subject, body=body, html=html)
