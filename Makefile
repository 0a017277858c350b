# Contractor information-security compliance portal.
#
#   make run       install what is missing, migrate, load the demo data, start the portal
#                  on http://127.0.0.1:$PORT/ (web + Celery worker/beat; Ctrl-C stops)
#   make test      everything CI runs: lint, deploy checks, compose validation, pytest
#   make lint      ruff check + ruff format --check
#   make lint-imports  the layers between apps (import-linter, pyproject.toml)
#   make fmt       ruff format + ruff check --fix
#   make messages  makemessages -l ja, then compilemessages
#   make docs      regenerate docs/clause-template-reference.md from the registries
#   make lock      regenerate requirements.lock from pyproject.toml (pip-compile)
#   make bench     run every tests/bench/bench_*.py
#   make clean     remove var/ (dev database, broker, media, mail) and caches; keeps .venv
#
# Variables: PORT (default 8000), PYTEST_ARGS (passed to pytest), PYTEST_WORKERS (parallel
# pytest processes, default auto = one per CPU; 0 runs in one process), BENCH_ARGS (passed to
# each benchmark), PYTHON3 (interpreter used to create .venv, default python3).
# DATABASE_URL, CELERY_BROKER_URL and REDIS_URL from the environment reach the tests untouched.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PORT ?= 8000
PYTEST_ARGS ?=
PYTEST_WORKERS ?= auto
BENCH_ARGS ?=
PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev

export PORT

.PHONY: help run test lint fmt messages compilemessages bench clean venv lock \
        system system-test check-deploy check-compose pytest ruff lint-imports docs

help:
	@awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' Makefile

# --- system packages and virtualenv -------------------------------------------------------

system:
	@scripts/ensure-system.sh

system-test:
	@scripts/ensure-system.sh test

$(PY):
	$(PYTHON3) -m venv $(VENV)

# Reinstall only when requirements.lock is newer than the stamp. The lock holds the runtime
# dependencies and the dev tools (pyproject.toml's [project] dependencies and the dev extra).
$(STAMP): requirements.lock | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.lock
	@touch $@

venv: $(STAMP)
	@:

compilemessages: $(STAMP)
	$(DEV) $(MANAGE) compilemessages --ignore=$(VENV) --ignore=node_modules -v 0

# --- run ----------------------------------------------------------------------------------

run: system
	@$(MAKE) --no-print-directory venv
	@$(MAKE) --no-print-directory compilemessages
	@mkdir -p var
	$(DEV) $(MANAGE) migrate --noinput
	$(DEV) $(MANAGE) clause_library load
	$(DEV) $(MANAGE) seed_demo | tee var/demo-logins.txt
	$(DEV) scripts/run-dev.sh

# --- test ---------------------------------------------------------------------------------

test: system-test
	@$(MAKE) --no-print-directory venv
	@$(MAKE) --no-print-directory compilemessages
	@$(MAKE) --no-print-directory ruff
	@$(MAKE) --no-print-directory lint-imports
	@$(MAKE) --no-print-directory check-deploy
	@$(MAKE) --no-print-directory check-compose
	@$(MAKE) --no-print-directory pytest

ruff: $(STAMP)
	$(VENV)/bin/ruff check .

# The layers of docs/architecture.md, from [tool.importlinter] in pyproject.toml. String
# references (foreign keys, migrations, URL names, templates) are checked by
# tests/test_architecture*.py in the pytest step.
lint-imports: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache

# Production settings with throwaway secrets: only the settings are checked, nothing connects.
check-deploy: $(STAMP)
	@echo "manage.py check --deploy (production settings, throwaway secrets)"
	@DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	FIELD_ENCRYPTION_KEYS="k1:$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	BLIND_INDEX_KEY="$$($(PY) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" \
	DATABASE_URL="$${DATABASE_URL:-sqlite:////tmp/x.sqlite3}" \
	DJANGO_ALLOWED_HOSTS=portal.example.jp \
	$(MANAGE) check --deploy --fail-level WARNING

check-compose:
	@scripts/check-compose.sh

# pytest-django would prefer a DJANGO_SETTINGS_MODULE from the environment over
# pyproject.toml, so name the test settings explicitly (override with PYTEST_ARGS=--ds=...).
# pytest-xdist runs the suite in PYTEST_WORKERS processes, each with its own test database
# (test_portal_gw0, …); a file's tests stay in one process (--dist loadfile), so a module's
# fixtures (the integration tests' Celery worker) start once.
pytest: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# --- developer helpers --------------------------------------------------------------------

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(STAMP)
	$(DEV) $(MANAGE) makemessages -l ja --no-obsolete --ignore=$(VENV) --ignore=node_modules --ignore=tests --ignore=staticfiles --ignore=var
	@$(MAKE) --no-print-directory compilemessages

# The reference of every code a clause template may use, written from the registries (kinds,
# PDF forms, event kinds); tests/clauses/test_reference_doc.py fails while it is out of date.
docs: $(STAMP)
	$(DEV) $(MANAGE) clause_library reference

bench: $(STAMP)
	@shopt -s nullglob; files=(tests/bench/bench_*.py); \
	if (( $${#files[@]} == 0 )); then echo "no tests/bench/bench_*.py"; exit 0; fi; \
	for f in "$${files[@]}"; do \
	    echo "== $$f"; PYTHONPATH="$(CURDIR)$${PYTHONPATH:+:$$PYTHONPATH}" $(PY) "$$f" $(BENCH_ARGS); \
	done

# The exact pins, generated from pyproject.toml; commit both together.
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
	    --no-emit-find-links --output-file requirements.lock pyproject.toml

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache test-results
	find . -path ./$(VENV) -prune -o -path ./.git -prune -o \
	    -type d -name __pycache__ -exec rm -rf {} +
	@mkdir -p var
