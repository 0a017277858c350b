from django.conf import settings

from core import permissions
from core.models import Notification


def portal(request):
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None)
    if user is None or not user.is_authenticated:
        return {"dev_outbox": settings.DEV_OUTBOX}
    return {
        "membership": membership,
        "portal_role": permissions.role_of(user, membership),
        "can_view_audit_log": permissions.can_view_audit_log(user, membership),
        "dev_outbox": settings.DEV_OUTBOX,
        "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
