"""/healthz: database, broker and worker (the heartbeat the beat-scheduled task writes)."""

from __future__ import annotations

import ast
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from core import tasks
from core.models import WorkerHeartbeat
from core.views import health

pytestmark = pytest.mark.django_db

BROKER_PASSWORD = "br0ker-s3cret-pw"  # must never be echoed


def _use_broker(monkeypatch, url: str) -> None:
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)


@pytest.fixture(autouse=True)
def _broker_in_memory(monkeypatch):
    # Unit tests must not depend on a running Redis: kombu's in-memory transport always connects.
    _use_broker(monkeypatch, "memory://")


def _get(client):
    response = client.get(reverse("core:healthz"))
    return response, response.json()


def test_worker_is_down_until_the_heartbeat_task_has_run(client):
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert set(body["checks"]) == {"database", "broker", "worker"}
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["worker"] == {"ok": False, "last_heartbeat": None}


def test_all_ok_after_the_heartbeat_task_ran(client):
    assert tasks.heartbeat() == "ok"
    response, body = _get(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"] == {"ok": True, "transport": "memory"}
    worker = body["checks"]["worker"]
    assert worker["ok"] is True
    assert 0 <= worker["age_seconds"] <= 5
    beat = WorkerHeartbeat.objects.get(name="celery")
    assert worker["last_heartbeat"] == beat.beat_at.isoformat()


def test_heartbeat_is_one_row_refreshed_in_place():
    tasks.heartbeat()
    first = WorkerHeartbeat.objects.get(name="celery").beat_at
    tasks.heartbeat()
    assert WorkerHeartbeat.objects.count() == 1
    assert WorkerHeartbeat.objects.get(name="celery").beat_at >= first


def test_worker_is_down_when_the_heartbeat_is_too_old(client):
    tasks.heartbeat()
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    WorkerHeartbeat.objects.filter(name="celery").update(
        beat_at=timezone.now() - timedelta(seconds=max_age + 30)
    )
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "degraded"
    worker = body["checks"]["worker"]
    assert worker["ok"] is False
    assert worker["age_seconds"] >= max_age + 30
    # The other checks still say what is fine.
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_worker_is_up_just_within_the_max_age(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 120
    tasks.heartbeat()
    WorkerHeartbeat.objects.filter(name="celery").update(beat_at=timezone.now() - timedelta(seconds=100))
    response, body = _get(client)
    assert response.status_code == 200
    assert body["checks"]["worker"]["ok"] is True


def test_another_heartbeat_name_does_not_count(client):
    tasks.heartbeat(name="beat-on-another-host")
    _, body = _get(client)
    assert body["checks"]["worker"]["ok"] is False


def test_broker_down_is_degraded_and_names_no_secret(client, monkeypatch):
    tasks.heartbeat()
    # Port 1 refuses connections; the URL carries a password that must not leak.
    _use_broker(monkeypatch, f"redis://:{BROKER_PASSWORD}@127.0.0.1:1/0")
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["checks"]["broker"] == {"ok": False, "error": "OperationalError"}
    text = response.content.decode()
    assert BROKER_PASSWORD not in text
    assert "127.0.0.1:1" not in text


def test_database_down_is_degraded(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("could not connect to server: password=hunter2")

    tasks.heartbeat()
    monkeypatch.setattr(health, "connection", BrokenConnection())
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "hunter2" not in response.content.decode()


def test_body_holds_no_secrets_and_is_never_cached(client):
    tasks.heartbeat()
    response = client.get(reverse("core:healthz"))
    text = response.content.decode()
    secrets = [
        settings.SECRET_KEY,
        settings.BLIND_INDEX_KEY,
        settings.DATABASES["default"]["NAME"],
        str(settings.DATABASES["default"].get("PASSWORD") or "\x00no-password"),
        settings.CELERY_BROKER_URL,
    ]
    for entry in settings.FIELD_ENCRYPTION_KEYS.split(","):
        secrets.append(entry.partition(":")[2])
    for secret in secrets:
        assert secret and secret not in text
    # Only the documented keys, so nothing else slips in later unnoticed.
    body = response.json()
    assert set(body) == {"status", "checks"}
    assert set(body["checks"]["database"]) <= {"ok", "error"}
    assert set(body["checks"]["broker"]) <= {"ok", "transport", "error"}
    assert set(body["checks"]["worker"]) <= {"ok", "last_heartbeat", "age_seconds", "error"}
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_healthz_needs_no_login_and_sets_no_session(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code in (200, 503)
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_broker_check_uses_the_portal_celery_app():
    # core reaches Celery through celery.current_app; config/__init__.py makes the portal's app
    # the current one, so the check sees the portal's broker settings.
    from celery import current_app

    assert current_app._get_current_object() is celery_app


def test_no_core_module_imports_config():
    # config is the composition root (it imports core's URLs and tasks): core importing it back
    # would be a cycle. Function-level imports count too.
    offenders = []
    for path in sorted((settings.BASE_DIR / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}:{node.lineno}" for name in names if name.split(".")[0] == "config"]
    assert offenders == []
