#!/usr/bin/env bash
# Start the portal for development on this machine (called by `make run`, after migrate and
# seed_demo): Django's runserver on 127.0.0.1:$PORT and one Celery worker with embedded beat.
# No servers are needed: dev settings use SQLite and Celery's filesystem broker under var/.
# Ctrl-C (or SIGTERM) stops both.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT="${PORT:-8000}"
# Links in e-mail (invitations, reminders) point at the port the portal really runs on.
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
PY="${PYTHON:-.venv/bin/python}"
export DJANGO_SETTINGS_MODULE=config.settings.dev
export PYTHONUNBUFFERED=1

mkdir -p var/log var/run

if ! [[ "$PORT" =~ ^[0-9]+$ ]]; then
    echo "run-dev: PORT must be a number, got '$PORT'" >&2
    exit 2
fi

if "$PY" - "$PORT" <<'EOF'; then
import socket, sys
s = socket.socket()
s.settimeout(0.5)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
EOF
    echo "run-dev: 127.0.0.1:$PORT is already in use (another 'make run'?)." >&2
    echo "run-dev: stop it, or choose another port: make run PORT=8001" >&2
    exit 1
fi

web_pid=""
worker_pid=""

# shellcheck disable=SC2317  # called from the traps below
stop() {
    trap - INT TERM EXIT
    echo
    echo "run-dev: stopping..."
    for pid in $web_pid $worker_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    # Celery finishes its current task on TERM (warm shutdown); give it a moment.
    for _ in $(seq 1 50); do
        alive=0
        for pid in $web_pid $worker_pid; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        ((alive)) || break
        sleep 0.2
    done
    for pid in $web_pid $worker_pid; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    echo "run-dev: stopped."
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop' EXIT

celery_log=var/log/celery-dev.log
# --pidfile: Celery refuses to start a second worker on the same pidfile while the first lives,
# and removes a stale one left behind by a crash.
"$PY" -m celery -A config worker -B --pool=solo --loglevel=INFO \
    --schedule=var/celerybeat-schedule-dev \
    --pidfile=var/run/celery-dev.pid \
    --logfile="$celery_log" &
worker_pid=$!

"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload &
web_pid=$!

url="http://127.0.0.1:$PORT/"
# Wait until the web server answers (any HTTP status counts), at most ~60 s.
if ! "$PY" - "$url" <<'EOF'; then
import sys, time, urllib.error, urllib.request
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)  # noqa: S310 - our own dev server
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(1)
EOF
    echo "run-dev: the web server did not answer on $url" >&2
    exit 1
fi

if ! kill -0 "$worker_pid" 2>/dev/null; then
    echo "run-dev: the Celery worker exited; last lines of $celery_log:" >&2
    tail -n 30 "$celery_log" >&2 || true
    exit 1
fi

echo
echo "=================================================================="
echo " Portal running at:  $url"
echo " Celery worker+beat: log in $celery_log"
echo " E-mail is written to files under var/mail (dev outbox)."
if [[ -s var/demo-logins.txt ]]; then
    # Written by `make run` (manage.py seed_demo | tee var/demo-logins.txt).
    echo
    sed 's/^/ /' var/demo-logins.txt
fi
echo
echo " Press Ctrl-C to stop."
echo "=================================================================="
echo

# Return as soon as either process ends (the other is then stopped by the EXIT trap).
set +e
wait -n "$web_pid" "$worker_pid"
status=$?
set -e
echo "run-dev: a process exited (status $status)." >&2
exit "$status"
