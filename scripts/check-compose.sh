#!/usr/bin/env bash
# Validate docker-compose.yml against .env.example (called by `make test`).
#
# Every app service has `env_file: .env`, which docker-compose refuses to load when the file is
# missing, and `--env-file` only feeds ${VAR} interpolation, not env_file. So the check runs with
# a temporary project directory holding a copy of .env.example as .env; the real .env (if any)
# is never read or touched. Skipped when docker-compose is not installed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
    echo "check-compose: docker-compose not installed; skipping docker-compose.yml validation."
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp .env.example "$tmp/.env"

# --project-directory: relative paths (env_file, build context) resolve inside $tmp.
# --env-file: the values used for ${VAR} interpolation (supported since docker-compose 1.25).
docker-compose --project-directory "$tmp" --env-file .env.example -f docker-compose.yml config -q
echo "check-compose: docker-compose.yml is valid ($(docker-compose version --short 2>/dev/null || echo '?'))."
