#!/usr/bin/env bash
# Make sure the Debian/Ubuntu packages the portal needs are installed.
#
#   scripts/ensure-system.sh          what `make run` needs
#   scripts/ensure-system.sh test     ... plus Chromium (browser tests) and docker-compose
#                                     (only used to validate docker-compose.yml)
#
# Checks with dpkg first, so on a prepared machine this is a fast no-op. Installs what is
# missing with apt-get (running `apt-get update` once first): directly as root, else through
# `sudo -n` when that works without a password; otherwise prints the exact command to run and
# exits 1. Browsers always come from Debian's `chromium` package, never from a Playwright download.
set -euo pipefail

mode="${1:-run}"
case "$mode" in
    run | test) ;;
    *)
        echo "usage: $0 [test]" >&2
        exit 2
        ;;
esac

required=(
    python3-venv python3-dev build-essential libpq-dev
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
    fonts-ipaexfont gettext poppler-utils
)
if [[ "$mode" == test ]]; then
    required+=(chromium)
fi
# Optional: only used to validate docker-compose.yml. Some Ubuntu releases have no package of
# this name (Docker's own docker-compose-plugin replaces it); then the validation is skipped.
optional=()
if [[ "$mode" == test ]]; then
    optional+=(docker-compose)
fi

if ! command -v dpkg >/dev/null 2>&1; then
    echo "ensure-system: dpkg not found; this is not Debian/Ubuntu." >&2
    echo "ensure-system: install the equivalents of: ${required[*]} ${optional[*]}" >&2
    exit 0
fi

is_installed() {
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=()
for pkg in "${required[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done
missing_optional=()
for pkg in "${optional[@]}"; do
    is_installed "$pkg" || missing_optional+=("$pkg")
done

if ((${#missing[@]} == 0 && ${#missing_optional[@]} == 0)); then
    echo "ensure-system: all system packages present (${mode})."
    exit 0
fi

if [[ "$(id -u)" == 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    if ((${#missing[@]})); then
        echo "ensure-system: these Debian packages are missing: ${missing[*]}" >&2
        echo "ensure-system: install them with:" >&2
        echo >&2
        echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        if ((${#missing_optional[@]})); then
            echo "    sudo apt-get install -y --no-install-recommends ${missing_optional[*]}   # optional" >&2
        fi
        echo >&2
        echo "and run the same make command again." >&2
        exit 1
    fi
    echo "ensure-system: optional package(s) ${missing_optional[*]} missing and no root rights;" \
        "the docker-compose.yml validation will be skipped." >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-system: installing: ${missing[*]} ${missing_optional[*]}"
"${as_root[@]}" apt-get update -q

if ((${#missing[@]})); then
    "${as_root[@]}" apt-get install -y -q "${missing[@]}"
fi

for pkg in "${missing_optional[@]}"; do
    # A package with no installation candidate (e.g. docker-compose on some Ubuntu releases)
    # is skipped: only docker-compose.yml validation depends on it.
    if apt-cache show "$pkg" >/dev/null 2>&1 &&
        "${as_root[@]}" apt-get install -y -q --no-install-recommends "$pkg"; then
        :
    else
        echo "ensure-system: optional package $pkg is not installable here; skipping it." >&2
    fi
done

still_missing=()
for pkg in "${required[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
done
if ((${#still_missing[@]})); then
    echo "ensure-system: still missing after apt-get: ${still_missing[*]}" >&2
    exit 1
fi
echo "ensure-system: done."
