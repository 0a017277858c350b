"""Container health checks used by docker-compose.yml (standard library only).

    python scripts/healthcheck.py web    GET http://localhost:8000/healthz
    python scripts/healthcheck.py beat   the beat schedule file was written recently

web: the request carries a Host header taken from DJANGO_ALLOWED_HOSTS (Django answers 400 to
a Host it does not allow, and "localhost" normally isn't) and X-Forwarded-Proto: https, as the
TLS-terminating proxy would send. /healthz answers 200, or 503 with a JSON body
{"checks": {"database": {"ok": ...}, "broker": {...}, "worker": {...}}}. The web container is
healthy when the web server itself works: HTTP 200, or a 503 in which only the worker check
failed (the worker service has its own health check, and right after the first start no
heartbeat exists yet). --strict accepts HTTP 200 only.

beat: celery beat writes its schedule file at start and re-syncs it at most every 3 minutes
while it sends tasks; CELERY_BEAT_SCHEDULE has a heartbeat every 60 s, so a file older than
--max-age seconds (default 600) means beat has stopped sending.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
import urllib.error
import urllib.request


def _host_header() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        host = host.strip()
        if not host or host == "*":
            continue
        # ".example.jp" allows example.jp and every subdomain.
        return host.lstrip(".")
    return "localhost"


# Checks of /healthz whose failure makes the web container itself unhealthy.
WEB_CHECKS = ("database", "broker")


def check_web(url: str, timeout: float, strict: bool = False) -> int:
    request = urllib.request.Request(  # noqa: S310 - fixed http://localhost URL by default
        url, headers={"Host": _host_header(), "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except OSError as exc:
        print(f"unhealthy: {url}: {exc}")
        return 1
    if status == 200:
        print(f"healthy: {url} answered HTTP 200")
        return 0
    if status == 503 and not strict:
        try:
            checks = json.loads(body)["checks"]
            failed = sorted(name for name, check in checks.items() if not check.get("ok"))
        except (ValueError, KeyError, TypeError, AttributeError):
            failed = None
        if failed is not None and not set(failed) & set(WEB_CHECKS):
            print(f"healthy: {url} answered 503, degraded only in: {', '.join(failed)}")
            return 0
    print(f"unhealthy: {url} answered HTTP {status}: {body[:300]!r}")
    return 1


def check_beat(schedule: str, max_age: float) -> int:
    # Depending on the dbm module, shelve writes "name" or "name.db" / "name.dat" + "name.dir".
    files = glob.glob(glob.escape(schedule) + "*")
    if not files:
        print(f"unhealthy: no beat schedule file {schedule}*")
        return 1
    age = time.time() - max(os.path.getmtime(f) for f in files)
    if age > max_age:
        print(f"unhealthy: beat schedule last written {age:.0f}s ago (limit {max_age:.0f}s)")
        return 1
    print(f"healthy: beat schedule written {age:.0f}s ago")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    web = sub.add_parser("web")
    web.add_argument("--url", default="http://localhost:8000/healthz")
    web.add_argument("--timeout", type=float, default=8.0)
    web.add_argument("--strict", action="store_true", help="healthy on HTTP 200 only")
    beat = sub.add_parser("beat")
    beat.add_argument("--schedule", default="/app/var/beat/celerybeat-schedule")
    beat.add_argument("--max-age", type=float, default=600.0)
    args = parser.parse_args(argv)
    if args.what == "web":
        return check_web(args.url, args.timeout, args.strict)
    return check_beat(args.schedule, args.max_age)


if __name__ == "__main__":
    sys.exit(main())
