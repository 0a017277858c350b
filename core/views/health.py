from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.models import WorkerHeartbeat


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def _broker() -> dict:
    # Celery's own current app, not config.celery: the kernel must not import the composition
    # root (config imports core's URLs). config/__init__.py creates the app, which makes it current.
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return {"ok": True, "transport": conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}


def _worker() -> dict:
    try:
        beat = WorkerHeartbeat.objects.filter(name="celery").values_list("beat_at", flat=True).first()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    if beat is None:
        return {"ok": False, "last_heartbeat": None}
    age = (timezone.now() - beat).total_seconds()
    return {
        "ok": age <= settings.WORKER_HEARTBEAT_MAX_AGE,
        "last_heartbeat": beat.isoformat(),
        "age_seconds": round(age),
    }


@never_cache
def healthz(request):
    checks = {"database": _database(), "broker": _broker(), "worker": _worker()}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "degraded", "checks": checks}, status=200 if ok else 503)
