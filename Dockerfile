# Production image of the compliance portal (used by docker-compose.yml; docs/production.md).
# Everything comes from Debian's and PyPI's package repositories: no curl | sh, no CDN.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PRIVATE_MEDIA_ROOT=/app/var/private \
    STATIC_ROOT=/app/staticfiles

# build-essential + libpq-dev: psycopg2 is built from source. Pango/HarfBuzz: WeasyPrint (PDF).
# fonts-ipaexfont: Japanese fonts for the PDF forms. gettext: compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        build-essential \
        libpq-dev \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-ipaexfont \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --create-home --home-dir /home/portal \
        --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first, so that a code change doesn't reinstall them.
# Runtime packages only (pyproject.toml's [project] dependencies, not the dev extra), at the
# versions pinned in requirements.lock.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/runtime.txt \
    && pip install -c requirements.lock -r /tmp/runtime.txt \
    && rm /tmp/runtime.txt

COPY . .

# Build-time only, throwaway values: production settings refuse to load without them, and
# nothing here connects to a database. They are not kept in the image's environment.
RUN DJANGO_SECRET_KEY=build-only-throwaway-secret-key-not-used-at-run-time-0123456789 \
    FIELD_ENCRYPTION_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    BLIND_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    sh -c 'python manage.py compilemessages --ignore=.venv -v 0 \
        && python manage.py collectstatic --noinput -v 0' \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /app/var/private /app/var/beat \
    && chown -R portal:portal /app/var

USER portal

EXPOSE 8000

# docker-compose.yml gives each service its own command; this default runs the web server.
CMD ["gunicorn", "config.wsgi:application", "-b", "0.0.0.0:8000", "-w", "3"]
