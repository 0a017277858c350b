"""A real Celery worker process on Redis runs the portal's tasks against the test database."""

from __future__ import annotations

import email
import email.policy
import uuid

import pytest
from django.urls import reverse

from core import tasks
from core.models import WorkerHeartbeat

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_heartbeat_round_trip_through_the_database(celery_worker, broker):
    name = f"it-{uuid.uuid4().hex[:8]}"
    assert not WorkerHeartbeat.objects.filter(name=name).exists()

    broker.send(tasks.heartbeat, kwargs={"name": name}, queue=celery_worker.queue)
    # Sent to the broker, not run in this process.
    assert not WorkerHeartbeat.objects.filter(name=name).exists()

    beat = celery_worker.wait_for(
        lambda: WorkerHeartbeat.objects.filter(name=name).first(), what="the worker's heartbeat row"
    )
    assert beat.beat_at is not None
    assert "core.tasks.heartbeat" in celery_worker.log_tail(200)


def test_worker_heartbeat_makes_healthz_ok(celery_worker, broker, client):
    broker.send(tasks.heartbeat, queue=celery_worker.queue)  # the beat schedule's default name
    celery_worker.wait_for(
        lambda: WorkerHeartbeat.objects.filter(name="celery").exists(), what="the 'celery' heartbeat"
    )
    response = client.get(reverse("core:healthz"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["broker"] == {"ok": True, "transport": "redis"}
    assert body["checks"]["worker"]["ok"] is True


def test_send_email_from_the_worker_writes_the_file(celery_worker, broker):
    subject = f"【テスト】持出し承認のお知らせ {uuid.uuid4().hex[:6]}"
    broker.send(
        tasks.send_email,
        kwargs={
            "to": ["manager@example.jp"],
            "subject": subject,
            "body": "持出し申請が承認されました。",
            "html": "<p>持出し申請が承認されました。</p>",
        },
        queue=celery_worker.queue,
    )
    files = celery_worker.wait_for(
        lambda: sorted(celery_worker.mail_dir.glob("*.log")), what="an e-mail file from the worker"
    )
    raw = files[0].read_bytes()
    # The file-based backend writes each message followed by a line of 79 dashes.
    message = email.message_from_bytes(raw.split(b"\n" + b"-" * 79)[0], policy=email.policy.default)
    assert message["To"] == "manager@example.jp"
    assert str(message["Subject"]).strip() == subject
    assert message["From"]
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "持出し申請が承認されました。" in plain
    assert "<p>持出し申請が承認されました。</p>" in html


def test_ping_round_trip_through_the_result_backend(celery_worker, broker):
    result = broker.send(tasks.ping, args=["integration"], queue=celery_worker.queue)
    assert result.get(timeout=60) == "pong:integration"
    assert result.successful()
