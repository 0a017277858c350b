"""Integration tests: PostgreSQL + Redis + a real Celery worker process.

They run only when the test settings point at both (CI sets DATABASE_URL=postgres://… and
CELERY_BROKER_URL=redis://…); otherwise every test in this folder is skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# config/settings/test.py pins the locmem e-mail backend, which a separate process cannot share;
# the worker applies EMAIL_BACKEND/EMAIL_FILE_PATH from its environment on top of the test
# settings, then runs the ordinary `celery` command line (celery -A config worker …).
WORKER_BOOTSTRAP = """
import os, sys
import django
django.setup()
from django.conf import settings
for name in ("EMAIL_BACKEND", "EMAIL_FILE_PATH"):
    if os.environ.get(name):
        setattr(settings, name, os.environ[name])
from celery.__main__ import main
sys.argv[0] = "celery"
sys.exit(main())
"""


def integration_skip_reason() -> str | None:
    problems = []
    if not str(settings.CELERY_BROKER_URL).startswith("redis://"):
        problems.append("CELERY_BROKER_URL=redis://… (e.g. redis://127.0.0.1:6379/15)")
    if connection.vendor != "postgresql":
        problems.append("DATABASE_URL=postgres://… (e.g. postgres://postgres@127.0.0.1:5432/portal)")
    if problems:
        return "integration tests need PostgreSQL and Redis: set " + " and ".join(problems)
    return None


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items: only touch the ones in this folder.
    reason = integration_skip_reason()
    if reason is None:
        return
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.skip(reason=reason))


def worker_database_url() -> str:
    """DATABASE_URL of pytest-django's test database (never the configured one)."""
    db = connection.settings_dict
    name = db["NAME"]
    assert name.startswith("test_"), f"refusing to point a worker at non-test database {name!r}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(name, safe='')}"


@dataclass
class Worker:
    queue: str
    mail_dir: Path
    log_path: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no worker log)"

    def wait_for(self, condition: Callable[[], object], *, timeout: float = 60, what: str = "") -> object:
        """Poll until condition() is truthy; fail early, with the worker's log, if it died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                pytest.fail(f"worker exited ({self.process.returncode}) before {what}:\n{self.log_tail()}")
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout}s waiting for {what}:\n{self.log_tail()}")


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, tmp_path_factory) -> Iterator[Worker]:
    """A real `celery worker` process on its own queue, using the test database and broker."""
    reason = integration_skip_reason()
    if reason:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("worker")
    queue = f"it-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    log_path = tmp / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # Tasks the worker queues itself (reminder deliveries) stay on its own queue.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # Results go to the broker's own Redis database (only ping's round trip reads them).
        "CELERY_RESULT_BACKEND": settings.CELERY_BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-c",
        WORKER_BOOTSTRAP,
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "-l",
        "info",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = Worker(queue=queue, mail_dir=mail_dir, log_path=log_path, process=process)
    try:
        yield worker
    finally:
        process.terminate()  # warm shutdown
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        _forget_queue(queue)


def _forget_queue(queue: str) -> None:
    from config.celery import app

    # Best-effort tidying of our own queue's keys in the broker's Redis database.
    with contextlib.suppress(Exception), app.connection_for_write() as conn:
        conn.default_channel.client.delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


class Broker:
    """Sends tasks through the real broker and tidies their results away afterwards."""

    def __init__(self, app) -> None:
        from celery.backends.redis import RedisBackend

        self.app = app
        # The worker stores results in the broker's own Redis database (CELERY_RESULT_BACKEND).
        self.backend = RedisBackend(app=app, url=settings.CELERY_BROKER_URL)
        self._sent: list[str] = []

    def send(self, task, *, queue: str, args=(), kwargs=None):
        sent = task.apply_async(args=args, kwargs=kwargs or {}, queue=queue)
        self._sent.append(sent.id)
        return self.app.AsyncResult(sent.id, backend=self.backend)

    def tidy(self) -> None:
        for task_id in self._sent:
            # A result that never came has nothing to forget.
            with contextlib.suppress(Exception):
                self.app.AsyncResult(task_id, backend=self.backend).get(timeout=10, propagate=False)
            self.backend.forget(task_id)


@pytest.fixture
def broker(monkeypatch) -> Iterator[Broker]:
    """The test settings run tasks eagerly; these tests must go through the broker."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    sender = Broker(app)
    try:
        yield sender
    finally:
        sender.tidy()


@pytest.fixture(autouse=True)
def _worker_quiet_before_flush(transactional_db) -> Iterator[None]:
    """After each test, wait (up to 10 s) until no other connection to the test database is in
    the middle of a transaction before the flush that follows. A worker process may still be
    finishing the task whose row the test has just seen (its transaction holds a table the
    flush's TRUNCATE must lock while it waits for another): PostgreSQL then breaks the deadlock
    by failing the flush. Requesting transactional_db makes this teardown run before its flush."""
    yield
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
