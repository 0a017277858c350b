"""Container health checks used by docker-compose.yml (standard library only).

    python scripts/healthcheck.py web    GET http://localhost:8000/healthz, healthy on HTTP 200
    python scripts/healthcheck.py beat   the beat schedule file was written recently

web: the request carries a Host header taken from DJANGO_ALLOWED_HOSTS (Django answers 400 to
a Host it does not allow, and "localhost" normally isn't) and X-Forwarded-Proto: https, as the
TLS-terminating proxy would send.

beat: celery beat writes its schedule file at start and re-syncs it at most every 3 minutes
while it sends tasks; CELERY_BEAT_SCHEDULE has a heartbeat every 60 s, so a file older than
--max-age seconds (default 600) means beat has stopped sending.
"""

from __future__ import annotations

import argparse
import glob
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


def check_web(url: str, timeout: float) -> int:
    request = urllib.request.Request(  # noqa: S310 - fixed http://localhost URL by default
        url, headers={"Host": _host_header(), "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError as exc:
        print(f"unhealthy: {url}: {exc}")
        return 1
    if status != 200:
        print(f"unhealthy: {url} answered HTTP {status}")
        return 1
    print(f"healthy: {url} answered HTTP 200")
    return 0


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
    beat = sub.add_parser("beat")
    beat.add_argument("--schedule", default="/app/var/beat/celerybeat-schedule")
    beat.add_argument("--max-age", type=float, default=600.0)
    args = parser.parse_args(argv)
    if args.what == "web":
        return check_web(args.url, args.timeout)
    return check_beat(args.schedule, args.max_age)


if __name__ == "__main__":
    sys.exit(main())
