"""The embedded default writes e-mail to files; this page shows them (never in production)."""

import email
from datetime import UTC
from email import policy
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from core.wareki import format_wareki_datetime


def _outbox_dir() -> Path:
    if not settings.DEV_OUTBOX:
        raise Http404
    return Path(settings.EMAIL_FILE_PATH)


def _local(header) -> str:
    try:
        sent = header.datetime if header is not None else None
    except (AttributeError, ValueError):
        sent = None
    if sent is not None and sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)  # "-0000" in the header: Django writes UTC
    return format_wareki_datetime(sent) if sent else str(header or "")


def _messages(folder: Path) -> list[dict]:
    found = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)[:200]:
        # The file backend appends several messages to one file, separated by a line of dashes.
        for index, raw in enumerate(path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")):
            if not raw.strip():
                continue
            msg = email.message_from_bytes(raw, policy=policy.default)
            body = msg.get_body(preferencelist=("plain", "html"))
            found.append(
                {
                    "id": f"{path.stem}-{index}",
                    "subject": str(msg["subject"] or ""),
                    "to": str(msg["to"] or ""),
                    "date": _local(msg["date"]),
                    "body": body.get_content() if body else "",
                }
            )
    return found


LOOPBACK = ("127.0.0.1", "::1")


def outbox(request):
    folder = _outbox_dir()
    # It shows every invitation and password-reset link: only to the machine it runs on.
    if request.META.get("REMOTE_ADDR") not in LOOPBACK:
        raise Http404
    items = _messages(folder) if folder.exists() else []
    selected = next((m for m in items if m["id"] == request.GET.get("m")), items[0] if items else None)
    return render(request, "core/outbox.html", {"items": items, "selected": selected})
