"""Exactly once with a real worker on Redis and PostgreSQL (docs/outbox.md).

* kill -9 of the worker in the middle of a delivery, then a new worker → every reminder mailed once;
* the broker unreachable while the sweep publishes, then back → every reminder mailed once;
* an invitation and a password reset with the broker down → no 500, and one mail once it is back.

The catch-up that beat runs every minute is sent by the test itself (`_beat`), every second.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clauses.services import clause_template_load
from compliance import tasks as compliance_tasks
from compliance.models import Reminder
from compliance.services.reminders import reminder_sweep
from contracts.services import contract_activate, contract_create
from core import tasks as core_tasks
from core.models import Notification, OutboundMessage, Role
from core.services.outbox import message_id
from tests import factories
from tests.integration.conftest import (
    ROOT,
    Worker,
    _forget_queue,
    integration_skip_reason,
    worker_database_url,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
MINI = Path(__file__).resolve().parents[1] / "clauses" / "data" / "mini.yaml"
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there: every connection is refused

# As tests/integration/conftest.py's bootstrap, plus an optional pause (TEST_PAUSE_AT) that marks
# a file and sleeps at a chosen point, so that the test can kill -9 the worker exactly there:
#   delivery — inside the delivery's transaction, after its e-mail was recorded, before commit;
#   claim    — after the worker claimed an outbox row, before the mail server was reached;
#   smtp     — after the mail server took a message, before the row was marked sent.
BOOTSTRAP = """
import os, sys, time
from pathlib import Path
import django
django.setup()
from django.conf import settings
for name in ("EMAIL_BACKEND", "EMAIL_FILE_PATH"):
    if os.environ.get(name):
        setattr(settings, name, os.environ[name])
pause = os.environ.get("TEST_PAUSE_AT")
if pause:
    marker = Path(os.environ["TEST_PAUSE_MARKER"])
    def hold():
        marker.write_text(pause)
        time.sleep(120)
    if pause == "delivery":
        from compliance.services import delivery
        real_enqueue = delivery.message_enqueue
        def enqueue(**kwargs):
            message = real_enqueue(**kwargs)
            hold()
            return message
        delivery.message_enqueue = enqueue
    elif pause == "claim":
        from core.services import outbox
        real_claim = outbox._claim
        def claim(pk, now):
            won = real_claim(pk, now)
            if won:
                hold()
            return won
        outbox._claim = claim
    elif pause == "smtp":
        from django.core.mail import EmailMultiAlternatives
        real_send = EmailMultiAlternatives.send
        def send(self, *args, **kwargs):
            sent = real_send(self, *args, **kwargs)
            hold()
            return sent
        EmailMultiAlternatives.send = send
from celery.__main__ import main
sys.argv[0] = "celery"
sys.exit(main())
"""


class Workers:
    """Starts workers on one queue and mail folder; kill -9 one and start the next."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.queue = f"it-{uuid.uuid4().hex[:12]}"
        self.mail_dir = tmp / "mail"
        self.mail_dir.mkdir()
        self.marker = tmp / "paused"
        self.current: Worker | None = None
        self.started = 0

    def start(self, pause: str = "") -> Worker:
        self.started += 1
        log_path = self.tmp / f"worker-{self.started}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CELERY_RESULT_BACKEND": settings.CELERY_BROKER_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PYTHONUNBUFFERED": "1",
            # Seconds instead of minutes, so that the catch-up runs while the test waits.
            "OUTBOX_GRACE_SECONDS": "1",
            "OUTBOX_STALE_SECONDS": "3",
            "REMINDER_DELIVERY_GRACE_SECONDS": "1",
            "TEST_PAUSE_AT": pause,
            "TEST_PAUSE_MARKER": str(self.marker),
        }
        command = [sys.executable, "-c", BOOTSTRAP, "-A", "config", "worker", "--pool=solo", "-l", "info"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", self.queue]
        command += ["-n", f"{self.queue}-{self.started}@%h"]
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.current = Worker(queue=self.queue, mail_dir=self.mail_dir, log_path=log_path, process=process)
        return self.current

    def kill(self) -> None:
        assert self.current is not None
        os.kill(self.current.process.pid, signal.SIGKILL)
        self.current.process.wait(timeout=10)

    def stop(self) -> None:
        if self.current is not None and self.current.process.poll() is None:
            self.current.process.terminate()
            try:
                self.current.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.current.process.kill()
                self.current.process.wait(timeout=10)


@pytest.fixture
def workers(django_db_setup, tmp_path, broker) -> Iterator[Workers]:
    reason = integration_skip_reason()
    if reason:
        pytest.skip(reason)
    pool = Workers(tmp_path)
    try:
        yield pool
    finally:
        pool.stop()
        _forget_queue(pool.queue)


@contextlib.contextmanager
def broker_down():
    """Point this process's publishing at a port where nothing listens."""
    from config.celery import app

    before = app.conf.get("broker_write_url")
    app.conf["broker_write_url"] = DEAD_BROKER
    try:
        yield
    finally:
        app.conf["broker_write_url"] = before  # None: back to broker_url


def _contracts(n: int = 3) -> list:
    """Contracts of n public bodies and contractors; one overdue, so both sides are reminded."""
    template, _ = clause_template_load(path=MINI)
    today = timezone.localdate()
    contracts = []
    for i in range(n):
        side = factories.side(f"o{i}-{uuid.uuid4().hex[:4]}", f"丁{i}")
        contract = contract_create(
            actor=side.client_admin.user,
            actor_membership=side.client_admin,
            contractor=side.contractor,
            number=f"R7-OUTBOX-{i}",
            title="送信確認業務",
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=300),
            work_start_date=today + timedelta(days=7) if i else today - timedelta(days=3),
            clause_template=template,
        )
        contracts.append(
            contract_activate(
                actor=side.client_admin.user,
                actor_membership=side.client_admin,
                contract=contract,
                signed_on=today - timedelta(days=30),
            )
        )
    return contracts


def _mails(mail_dir: Path) -> list[email.message.EmailMessage]:
    raw = b"".join(f.read_bytes() for f in sorted(mail_dir.glob("*.log")))
    return [
        email.message_from_bytes(part, policy=email.policy.default)
        for part in raw.split(b"\n" + b"-" * 79 + b"\n")
        if part.strip()
    ]


def _beat(broker, queue: str) -> None:
    """What beat sends every minute: the reminder catch-up and the outbox flush (no results kept)."""
    for task in (compliance_tasks.deliver_pending_reminders, core_tasks.outbox_flush):
        task.apply_async(queue=queue, ignore_result=True)


def _settled(workers: Workers, broker, *, timeout: float = 90) -> list[OutboundMessage]:
    """Run the catch-up until every reminder is handed over and every message sent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = list(OutboundMessage.objects.all())
        if (
            messages
            and not Reminder.objects.filter(sent_at__isnull=True).exists()
            and all(m.state == OutboundMessage.State.SENT for m in messages)
            and len(_mails(workers.mail_dir)) >= len(messages)
        ):
            return messages
        if workers.current.process.poll() is not None:
            pytest.fail(f"worker exited:\n{workers.current.log_tail()}")
        _beat(broker, workers.queue)
        time.sleep(1)
    states = Counter(OutboundMessage.objects.values_list("state", flat=True))
    unhandled = Reminder.objects.filter(sent_at__isnull=True).count()
    pytest.fail(f"not settled: {states}, {unhandled} reminders unhandled:\n{workers.current.log_tail()}")


def _assert_every_reminder_mailed_once(workers: Workers, messages: list[OutboundMessage]) -> None:
    mails = _mails(workers.mail_dir)
    per_id = Counter(str(m["Message-ID"]) for m in mails)
    assert per_id == Counter({message_id(m.key): 1 for m in messages}), per_id
    # Every reminder is in exactly one message (the key lists the reminders it carries).
    carried = Counter(int(pk) for m in messages if m.kind == "duty_reminder" for pk in m.key.split(":")[2:])
    reminders = set(Reminder.objects.values_list("pk", flat=True))
    assert reminders and set(carried) == reminders and set(carried.values()) == {1}
    # One in-app notification per e-mail, for the same person.
    for m in messages:
        assert Notification.objects.filter(user__email=m.to[0]).count() == sum(
            1 for other in messages if other.to == m.to
        )


@pytest.mark.parametrize("pause", ["delivery", "claim"])
def test_kill_9_mid_delivery_then_restart_mails_every_reminder_once(workers, broker, pause):
    contracts = _contracts()
    first = workers.start(pause=pause)
    broker.send(compliance_tasks.sweep_reminders, queue=workers.queue)
    first.wait_for(workers.marker.exists, timeout=90, what=f"the worker to pause at {pause}")
    workers.kill()
    # Killed inside the delivery's transaction: PostgreSQL rolled it back, nothing half-done.
    # Killed after the claim: the row is 'sending' and was never handed to the mail server.
    if pause == "claim":
        assert OutboundMessage.objects.filter(state="sending", handed_at__isnull=True).count() == 1
    assert _mails(workers.mail_dir) == []

    workers.start()
    messages = _settled(workers, broker)
    assert Reminder.objects.filter(duty__contract__in=contracts).exists()
    _assert_every_reminder_mailed_once(workers, messages)
    # And it stays so: more catch-up runs send nothing more.
    for _ in range(3):
        _beat(broker, workers.queue)
    time.sleep(4)
    assert len(_mails(workers.mail_dir)) == len(messages)


def test_kill_9_between_smtp_and_mark_resends_once_under_the_same_message_id(workers, broker):
    """The one window no design closes (docs/outbox.md): the copy carries the same Message-ID,
    so the receiver drops it, and the row says it was uncertain."""
    _contracts()
    first = workers.start(pause="smtp")
    broker.send(compliance_tasks.sweep_reminders, queue=workers.queue)
    first.wait_for(workers.marker.exists, timeout=90, what="the worker to pause after SMTP")
    workers.kill()
    [uncertain] = OutboundMessage.objects.filter(state="sending", handed_at__isnull=False)
    assert len(_mails(workers.mail_dir)) == 1

    workers.start()
    messages = _settled(workers, broker)
    per_id = Counter(str(m["Message-ID"]) for m in _mails(workers.mail_dir))
    assert set(per_id) == {message_id(m.key) for m in messages}
    assert per_id.pop(message_id(uncertain.key)) == 2
    assert set(per_id.values()) == {1}
    uncertain.refresh_from_db()
    assert (uncertain.state, uncertain.uncertain) == ("sent", 1)


def test_broker_unreachable_during_the_sweep_then_back_mails_every_reminder_once(workers, broker, caplog):
    _contracts()
    # The sweep commits its reminders, then cannot publish a single delivery.
    with broker_down():
        recorded = reminder_sweep()
    assert recorded and "Could not publish" in caplog.text
    assert not Reminder.objects.filter(sent_at__isnull=False).exists()
    # The broker is back (a worker on it): the catch-up delivers and mails each reminder once.
    workers.start()
    messages = _settled(workers, broker)
    _assert_every_reminder_mailed_once(workers, messages)


def test_invitation_and_password_reset_with_the_broker_down_answer_and_are_mailed_once(
    workers, broker, client
):
    side = factories.side(f"p-{uuid.uuid4().hex[:4]}", "戊")
    client.force_login(side.client_admin.user)
    with broker_down():
        invited = client.post(
            reverse("core:invite", args=[side.body.pk]),
            {"email": "new.auditor@example.jp", "role": Role.AUDITOR},
        )
        client.logout()
        reset = client.post(reverse("core:password_reset"), {"email": side.contractor_admin.user.email})
    assert (invited.status_code, reset.status_code) == (302, 302)
    assert sorted(OutboundMessage.objects.values_list("kind", "state")) == [
        ("invitation", "pending"),
        ("password_reset", "pending"),
    ]
    workers.start()
    messages = _settled(workers, broker)
    mails = _mails(workers.mail_dir)
    assert sorted(str(m["To"]) for m in mails) == sorted(
        ["new.auditor@example.jp", side.contractor_admin.user.email]
    )
    assert Counter(str(m["Message-ID"]) for m in mails) == Counter({message_id(m.key): 1 for m in messages})
    for m in mails:
        body = m.get_body(preferencelist=("plain",)).get_content()
        assert settings.SITE_URL.rstrip("/") + "/" in body
