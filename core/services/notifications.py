from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.models import Notification, User


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
