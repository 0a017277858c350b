"""Deployment files: docker-compose.yml, Dockerfile, .env.example, scripts, .ci/run.

No database. The variables read by config/settings/*.py are found from the source itself,
so a new env("NAME") in the settings fails here until .env.example documents it.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "config" / "settings"

LONG_RUNNING = ("postgres", "redis", "web", "worker", "beat")
APP_SERVICES = ("migrate", "web", "worker", "beat")
PRODUCTION = "config.settings.production"


# --- helpers ------------------------------------------------------------------------------


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _services() -> dict:
    return _compose()["services"]


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def _environment(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {key: str(value) for key, value in environment.items()}


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _env_reads(path: Path) -> dict[str, bool]:
    """Variables a settings file reads: {name: has_default}, found with ast.

    Matches env("NAME", ...), env.<cast>("NAME", ...), environ.Env(NAME=(cast, default)),
    os.environ["NAME"], os.environ.get("NAME") and os.getenv("NAME").
    """
    found: dict[str, bool] = {}

    def add(name: str, has_default: bool) -> None:
        found[name] = found.get(name, False) or has_default

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Subscript):
            target = node.value
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "environ"
                and isinstance(target.value, ast.Name)
                and target.value.id == "os"
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
            ):
                add(node.slice.value, False)
            continue
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name_arg = node.args[0] if node.args else None
        for keyword in node.keywords:
            if keyword.arg == "var" and name_arg is None:
                name_arg = keyword.value
        has_default = len(node.args) > 1 or any(k.arg == "default" for k in node.keywords)
        is_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        is_os = isinstance(func, ast.Attribute) and (
            (func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os")
            or (
                func.attr == "get"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "environ"
                and isinstance(func.value.value, ast.Name)
                and func.value.value.id == "os"
            )
        )
        is_env_schema = (isinstance(func, ast.Attribute) and func.attr == "Env") or (
            isinstance(func, ast.Name) and func.id == "Env"
        )
        if is_env_schema:
            for keyword in node.keywords:
                if keyword.arg and keyword.arg.isupper():
                    add(keyword.arg, True)
        elif (is_env or is_os) and isinstance(name_arg, ast.Constant) and isinstance(name_arg.value, str):
            if is_env and isinstance(func, ast.Attribute) and func.attr in {"read_env", "smart_cast"}:
                continue
            add(name_arg.value, has_default or (is_os and func.attr == "get"))
    return found


def _settings_vars() -> dict[str, dict[str, bool]]:
    """{settings module stem: {NAME: has_default}} for every config/settings/*.py."""
    return {path.stem: _env_reads(path) for path in sorted(SETTINGS_DIR.glob("*.py"))}


ENV_LINE = re.compile(r"^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$")


def _env_example() -> tuple[dict[str, str], dict[str, str]]:
    """(active, commented) NAME=value lines of .env.example."""
    active: dict[str, str] = {}
    commented: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        match = ENV_LINE.match(line.strip())
        if match:
            (commented if match.group(1) else active)[match.group(2)] = match.group(3)
    return active, commented


INTERPOLATION = re.compile(r"(?<!\$)\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _compose_interpolated() -> set[str]:
    return set(INTERPOLATION.findall((ROOT / "docker-compose.yml").read_text(encoding="utf-8")))


def _throwaway_env() -> dict[str, str]:
    # The browser tests' conftest allows async-unsafe ORM calls in this process; production must not.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTEST_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        FIELD_ENCRYPTION_KEYS="k1:" + base64.b64encode(os.urandom(32)).decode(),
        BLIND_INDEX_KEY=base64.b64encode(os.urandom(32)).decode(),
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:////tmp/x.sqlite3"),
        DJANGO_ALLOWED_HOSTS="portal.example.jp",
    )
    return env


def _load_healthcheck():
    spec = importlib.util.spec_from_file_location("portal_healthcheck", ROOT / "scripts" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- docker-compose.yml -------------------------------------------------------------------


def test_compose_file_suits_docker_compose_1_29():
    compose = _compose()
    assert str(compose.get("version", "")).startswith("3."), "keep a version 3.x header for compose 1.29"
    assert "include" not in compose
    for name, service in compose["services"].items():
        assert "develop" not in service, name
        for env_file in _as_list(service.get("env_file")):
            assert isinstance(env_file, str), f"{name}: env_file objects (required: false) need compose v2"


def test_all_services_exist():
    assert set(LONG_RUNNING) | {"migrate"} <= set(_services())


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_service_restarts_and_has_healthcheck(name):
    service = _services()[name]
    assert service.get("restart") == "unless-stopped"
    healthcheck = service.get("healthcheck") or {}
    assert not healthcheck.get("disable")
    test = _as_list(healthcheck.get("test"))
    assert test and test[0] in {"CMD", "CMD-SHELL"}, f"{name}: no healthcheck"
    assert healthcheck.get("interval") and healthcheck.get("timeout") and healthcheck.get("retries")


def test_migrate_is_a_one_shot_that_the_app_waits_for():
    services = _services()
    migrate = services["migrate"]
    assert migrate.get("restart") == "no"
    assert _command(migrate)[-3:] == ["manage.py", "migrate", "--noinput"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy", name


def test_backing_services():
    services = _services()
    assert services["postgres"]["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(_as_list(services["postgres"]["healthcheck"]["test"]))
    assert services["redis"]["image"].startswith("redis:7")
    assert "redis-cli ping" in " ".join(_as_list(services["redis"]["healthcheck"]["test"]))
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["postgres"]["volumes"])


def test_web_runs_gunicorn_and_checks_healthz():
    web = _services()["web"]
    command = _command(web)
    assert command[0] == "gunicorn"
    assert "config.wsgi:application" in command
    bind = "0.0.0.0:8000"  # inside the container; published on 127.0.0.1 only
    assert command[command.index("-b") + 1] == bind
    assert command[command.index("-w") + 1] == "3"
    assert all(str(port).startswith("127.0.0.1:") for port in web.get("ports", []))
    test = " ".join(_as_list(web["healthcheck"]["test"]))
    assert "curl" not in test and "wget" not in test, "the slim image has neither"
    assert "python" in test
    if "scripts/healthcheck.py" in test:
        assert "http://localhost:8000/healthz" in (ROOT / "scripts" / "healthcheck.py").read_text()
    else:
        assert "urllib" in test and "/healthz" in test


def test_worker_and_beat_run_celery_with_the_config_app():
    services = _services()
    worker, beat = _command(services["worker"]), _command(services["beat"])
    assert worker[:4] == ["celery", "-A", "config", "worker"]
    assert beat[:4] == ["celery", "-A", "config", "beat"]
    assert "celery -A config inspect ping" in " ".join(_as_list(services["worker"]["healthcheck"]["test"]))
    schedule = beat[beat.index("-s") + 1]
    assert schedule.startswith("/app/var/")
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services["beat"]["volumes"]}
    assert any(schedule.startswith(target + "/") for target in mounts), "beat schedule not on a volume"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_uses_env_file_and_production_settings(name):
    service = _services()[name]
    assert ".env" in _as_list(service.get("env_file"))
    assert _environment(service).get("DJANGO_SETTINGS_MODULE") == PRODUCTION
    assert "build" in service, f"{name}: every app service must be able to build the image"


def test_private_media_volume_is_shared_by_web_and_worker():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"PRIVATE_MEDIA_ROOT=(\S+)", dockerfile)
    assert match, "the Dockerfile should set PRIVATE_MEDIA_ROOT"
    media_root = match.group(1)
    compose = _compose()
    sources = set()
    for name in ("web", "worker"):
        mounts = {v.split(":")[1]: v.split(":")[0] for v in compose["services"][name]["volumes"]}
        assert media_root in mounts, f"{name} does not mount {media_root}"
        sources.add(mounts[media_root])
    assert len(sources) == 1
    assert sources.pop() in compose["volumes"], "private media must be a named volume"


def test_compose_file_validates_with_docker_compose():
    if not shutil.which("docker-compose"):
        pytest.skip("docker-compose not installed")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "check-compose.sh")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- .env.example -------------------------------------------------------------------------


def test_settings_variables_are_found():
    names = set().union(*_settings_vars().values())
    # A sanity check on the parser itself.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "AXES_COOLOFF_HOURS", "EMAIL_URL"} <= names


def test_every_settings_variable_is_in_env_example():
    active, commented = _env_example()
    documented = set(active) | set(commented)
    missing = {
        f"{name} (config/settings/{module}.py)"
        for module, names in _settings_vars().items()
        for name in names
        if name not in documented
    }
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_env_example_has_no_stale_variables():
    active, commented = _env_example()
    read = set().union(*_settings_vars().values())
    # Variables only docker-compose.yml uses (${NAME} interpolation) are not read by Django.
    stale = (set(active) | set(commented)) - read - _compose_interpolated()
    assert not stale, f"not read by config/settings/*.py nor docker-compose.yml: {sorted(stale)}"


def test_env_example_defines_what_compose_interpolates():
    active, _ = _env_example()
    assert _compose_interpolated() <= set(active)


def test_production_requirements_are_active_lines_in_env_example():
    active, _ = _env_example()
    required = {name for name, has_default in _settings_vars()["production"].items() if not has_default}
    assert {"DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "DATABASE_URL"} <= required
    required |= {"DJANGO_ALLOWED_HOSTS"}
    assert required <= set(active)
    for name in required:
        assert f"{name}=" in (ROOT / ".env.example").read_text(encoding="utf-8")


def test_env_example_ships_no_real_secrets():
    active, _ = _env_example()
    for name in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "POSTGRES_PASSWORD"):
        assert active.get(name) == "", f"{name} must be left empty in .env.example"


def test_database_url_matches_the_postgres_service():
    active, _ = _env_example()
    assert active["DATABASE_URL"] == "postgres://portal:${POSTGRES_PASSWORD}@postgres:5432/portal"
    postgres = _environment(_services()["postgres"])
    assert postgres["POSTGRES_USER"] == "portal" and postgres["POSTGRES_DB"] == "portal"
    assert postgres["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD}"


def test_env_example_explains_key_generation():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "base64.b64encode(os.urandom(32)).decode()" in text
    assert "docs/keys.md" in text


# --- Dockerfile and .dockerignore ---------------------------------------------------------


def test_dockerfile_builds_from_package_repositories_only():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    instructions = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    body = "\n".join(instructions)
    assert re.search(r"^FROM python:3\.11-slim-bookworm\s*$", body, re.MULTILINE)
    assert not re.search(r"\b(curl|wget)\b", body), "no downloads outside apt/pip"
    assert not re.search(r"\|\s*(ba)?sh\b", body), "no pipes into a shell"
    assert not re.search(r"^ADD\s+https?://", body, re.MULTILINE | re.IGNORECASE)
    # Runtime packages only, at the pinned versions: no test tools in the production image.
    assert "pip install -c requirements.lock -r /tmp/runtime.txt" in body
    assert "['project']['dependencies']" in body
    assert "compilemessages" in body and "collectstatic" in body
    for package in ("libpq-dev", "build-essential", "libpango-1.0-0", "libpangoft2-1.0-0",
                    "libharfbuzz-subset0", "fonts-ipaexfont", "gettext"):  # fmt: skip
        assert package in body, package


def test_dockerfile_runs_as_non_root_without_baked_secrets():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    env_block = " ".join(re.findall(r"^ENV\s+((?:.*\\\n)*.*)$", text, re.MULTILINE))
    for secret in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "DATABASE_URL"):
        assert secret not in env_block, f"{secret} must not be kept in the image's environment"


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()}
    assert {".env", ".git", ".venv", "var"} <= ignored


# --- scripts, Makefile, CI ----------------------------------------------------------------


SHELL_SCRIPTS = [ROOT / ".ci" / "run", *sorted((ROOT / "scripts").glob("*.sh"))]


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shell_script_syntax_and_mode(script):
    assert os.access(script, os.X_OK), f"{script} is not executable"
    assert script.read_text().startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in script.read_text()
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_ci_runs_make_test_with_services():
    text = (ROOT / ".ci" / "run").read_text()
    assert "export CI=true" in text
    assert re.search(r"^(exec )?(timeout [^\n]*)?make test\s*$", text, re.MULTILINE)
    assert "DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal" in text
    assert "CELERY_BROKER_URL=redis://127.0.0.1:6379/15" in text
    assert "playwright install" not in text


def test_makefile_targets():
    text = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", text, re.MULTILINE))
    assert {"run", "test", "lint", "fmt", "messages", "bench", "clean"} <= targets
    assert "scripts/ensure-system.sh test" in text
    assert "check --deploy --fail-level WARNING" in text
    assert "$(PYTEST_ARGS)" in text
    assert "playwright install" not in text


def test_ensure_system_lists_the_debian_packages():
    text = (ROOT / "scripts" / "ensure-system.sh").read_text()
    for package in ("python3-venv", "python3-dev", "build-essential", "libpq-dev", "libpango-1.0-0",
                    "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-ipaexfont", "gettext",
                    "poppler-utils", "chromium", "docker-compose"):  # fmt: skip
        assert re.search(rf"(?<![\w-]){re.escape(package)}(?![\w-])", text), package
    assert "playwright install" not in text


def test_run_dev_binds_loopback_only():
    text = (ROOT / "scripts" / "run-dev.sh").read_text()
    assert 'runserver "127.0.0.1:$PORT" --noreload' in text
    assert "-A config worker -B --pool=solo" in text
    assert "config.settings.dev" in text
    assert "trap" in text


# --- scripts/healthcheck.py ---------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    status = 200
    body = b"{}"
    seen_hosts: list[str] = []

    def do_GET(self):
        type(self).seen_hosts.append(self.headers.get("Host", ""))
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    handler = type("Handler", (_Handler,), {"status": 200, "seen_hosts": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


def test_healthcheck_web(http_server, monkeypatch):
    server, handler = http_server
    healthcheck = _load_healthcheck()
    url = f"http://127.0.0.1:{server.server_port}/healthz"
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", ".example.jp,portal.example.jp")
    assert healthcheck.main(["web", "--url", url]) == 0
    assert handler.seen_hosts == ["example.jp"]
    handler.status = 503
    handler.body = b"<html>Service Unavailable</html>"
    assert healthcheck.main(["web", "--url", url]) == 1
    # /healthz's own 503: only a stale worker heartbeat leaves the web container healthy.
    handler.body = json.dumps(
        {
            "status": "degraded",
            "checks": {"database": {"ok": True}, "broker": {"ok": True}, "worker": {"ok": False}},
        }
    ).encode()
    assert healthcheck.main(["web", "--url", url]) == 0
    assert healthcheck.main(["web", "--url", url, "--strict"]) == 1
    handler.body = json.dumps(
        {
            "status": "degraded",
            "checks": {"database": {"ok": False}, "broker": {"ok": True}, "worker": {"ok": True}},
        }
    ).encode()
    assert healthcheck.main(["web", "--url", url]) == 1
    handler.status = 400
    assert healthcheck.main(["web", "--url", url]) == 1
    server.shutdown()
    server.server_close()
    assert healthcheck.main(["web", "--url", url, "--timeout", "1"]) == 1


def test_healthcheck_beat(tmp_path):
    healthcheck = _load_healthcheck()
    schedule = tmp_path / "celerybeat-schedule"
    assert healthcheck.main(["beat", "--schedule", str(schedule)]) == 1
    (tmp_path / "celerybeat-schedule.db").write_bytes(b"")
    assert healthcheck.main(["beat", "--schedule", str(schedule)]) == 0
    old = time.time() - 3600
    os.utime(tmp_path / "celerybeat-schedule.db", (old, old))
    assert healthcheck.main(["beat", "--schedule", str(schedule), "--max-age", "600"]) == 1


# --- production settings ------------------------------------------------------------------


def test_production_settings_pass_check_deploy():
    """manage.py check --deploy --fail-level WARNING, production settings, throwaway secrets."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_throwaway_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- declared dependencies ------------------------------------------------------------------


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_every_declared_dependency_is_pinned_in_the_lock():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = _pins()
    assert len(project["dependencies"]) >= 10, "the runtime dependencies are declared (PEP 621)"
    for requirement in declared:
        match = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]+\])?(.*)$", requirement)
        name, spec = re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2)
        assert name in pins, f"{requirement} is declared but not pinned in requirements.lock"
        if spec.startswith("=="):
            assert pins[name] == spec[2:], f"{requirement}: the lock pins {pins[name]}"


def test_removed_dependencies_stay_removed():
    # Nothing imports these; a lock that brings them back would hide a dependency nobody chose.
    pins = _pins()
    for name in ("japanera", "factory-boy", "django-htmx", "django-template-partials"):
        assert name not in pins
