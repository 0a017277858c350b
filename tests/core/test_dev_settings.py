"""The embedded default (config.settings.dev, `make run`): the portal's own pages, not Django's.

Each case starts a fresh interpreter on the dev settings, as `make run` does, because settings
are read once per process: overriding DEBUG in this (test-settings) process would not show
what dev.py itself decides.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="127.0.0.1")  # the host runserver is reached on
missing = client.get("/no-such-page/")
static = client.get("/static/css/portal.css")
print(json.dumps({
    "debug": settings.DEBUG,
    "status": missing.status_code,
    "body": missing.content.decode(),
    "static": static.status_code,
    "hosts": settings.ALLOWED_HOSTS,
    "outbox": settings.DEV_OUTBOX,
    "demo": settings.DEMO_DATA_ALLOWED,
}))
"""


def _probe(tmp_path: Path, **env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        # An empty database of its own: the probe needs no tables, and never touches var/.
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        PYTHONPATH=str(settings.BASE_DIR),
        **env,
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(
    (Path(settings.BASE_DIR) / ".env").exists(), reason="a local .env may switch DJANGO_DEBUG on"
)
def test_dev_default_answers_a_404_with_the_portals_japanese_page(tmp_path):
    seen = _probe(tmp_path)
    assert seen["debug"] is False
    assert seen["status"] == 404
    assert "ページが見つかりません" in seen["body"]
    assert "閲覧する権限がありません" in seen["body"]
    # Not Django's debug page, which lists every URL pattern of the portal.
    assert "URLconf" not in seen["body"]
    assert "admin/" not in seen["body"]
    # With DEBUG off runserver serves no static files: WhiteNoise (finders) does.
    assert seen["static"] == 200
    assert {"127.0.0.1", "localhost"} <= set(seen["hosts"])
    # The outbox page and the demo accounts do not depend on DEBUG.
    assert seen["outbox"] is True
    assert seen["demo"] is True


def test_developers_switch_the_debug_page_on_explicitly(tmp_path):
    seen = _probe(tmp_path, DJANGO_DEBUG="true")
    assert seen["debug"] is True
    assert seen["status"] == 404
    assert "URLconf" in seen["body"]  # Django's technical 404: for developers only


def test_server_error_page_is_japanese(client, settings):
    from core.views.errors import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "システムエラーが発生しました" in response.content.decode()
