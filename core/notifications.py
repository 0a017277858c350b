"""Outgoing e-mail: rendered in the recipient's language, sent by a Celery task after commit."""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(*, to: list[str], template: str, context: dict, language: str = "ja") -> None:
    """Render templates/emails/<template>_{subject,body}.txt (+ .html when present) and queue it."""
    from core.tasks import send_email

    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        body = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    transaction.on_commit(lambda: send_email.delay(to=to, subject=subject, body=body, html=html))
