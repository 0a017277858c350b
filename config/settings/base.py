"""Settings shared by every environment.

Every value that differs between machines comes from the environment (see .env.example and
docs/settings.md). dev.py, test.py and production.py only change defaults.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "core",
    "clauses",
    "contracts",
    "ledgers",
    "incidents",
    "compliance",
    "audits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.NoStoreWhenSignedInMiddleware",
    # Last, so that a locked-out attempt is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
            "builtins": ["core.templatetags.wareki", "core.templatetags.portal"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default runs web and worker on one file: take the write lock when a
    # transaction starts, so appends to the audit trail queue up instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out credentials before any other backend checks them.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Sessions end after SESSION_IDLE_SECONDS without a request (the cookie is renewed on every
# request), and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock an account+IP pair after repeated failures, and an address after repeated
# failures over any accounts (core.throttling). The invitation page's password check counts too.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "core.throttling.PortalAxesHandler"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "core.throttling.axes_username"
# Never kept in clear in axes' records of failures (it masks "password" and "username" itself).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "existing_password", "password1", "password2"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "core.views.auth.locked_out"
# Reverse proxies in front of the portal that append to X-Forwarded-For (0: none, as in dev).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-guardian
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Personal-data encryption (docs/keys.md). FIELD_ENCRYPTION_KEYS: "id:base64key,id:base64key",
# the first one encrypts; the rest only decrypt until rotate_keys has re-wrapped everything.
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS", default="")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="")

# Celery
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default="redis://127.0.0.1:6379/0"))
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
# Redis re-delivers a task that was taken but not acknowledged (acks_late) once this many seconds
# have passed, to any worker. It must exceed the longest task plus its wait in the worker's
# prefetch, or a task still running is started a second time; and it is how long work of a
# worker that died hard waits before another one picks it up. Every task is held under
# CELERY_TASK_TIME_LIMIT (300 s), nothing is scheduled with a long countdown (mail retries are
# the outbox's available_at, not Celery ETAs), so 600 s is twice the longest run — instead of
# Redis's default hour.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
# No task may run longer: a hard limit kills it, the soft one lets it clean up first.
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 270
CELERY_TASK_ALWAYS_EAGER = False
# Where tasks go unless routed: lets one broker serve several installations (or test workers).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    # The outbox's catch-up: sends what a lost publish or a broker outage left unsent.
    "outbox-flush": {"task": "core.tasks.outbox_flush", "schedule": 60.0},
}
# E-mail outbox (docs/outbox.md). A pending message is left to its after-commit task for
# OUTBOX_GRACE_SECONDS before the catch-up sends it; a row still 'sending' after
# OUTBOX_STALE_SECONDS belongs to a dead worker (send tasks are killed after 120 s).
OUTBOX_GRACE_SECONDS = env.int("OUTBOX_GRACE_SECONDS", default=10)
OUTBOX_STALE_SECONDS = env.int("OUTBOX_STALE_SECONDS", default=300)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# How often a message may be sent again after a crash during its SMTP exchange (same Message-ID).
OUTBOX_MAX_UNCERTAIN = env.int("OUTBOX_MAX_UNCERTAIN", default=1)
# /healthz reports the worker as down when its last heartbeat is older than this.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=180)

# E-mail
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@example.jp")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
email_config = env.email_url("EMAIL_URL", default="smtp://localhost:25")
EMAIL_HOST = email_config["EMAIL_HOST"]
EMAIL_PORT = email_config["EMAIL_PORT"]
EMAIL_HOST_USER = email_config["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = email_config["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = email_config.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = email_config.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
# Show the outbox page (e-mail written to EMAIL_FILE_PATH). Only in the embedded default.
DEV_OUTBOX = False
# seed_demo (public demo passwords) runs with DEBUG on, or where this is set: the dev settings.
DEMO_DATA_ALLOWED = False

# Invitations
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# PDF forms
PDF_FONT_FAMILY = env("PDF_FONT_FAMILY", default="IPAexMincho")

# The device ledger (000 §5.3) marks a PC or tablet in use whose anti-virus pattern file or last
# OS and software update is older than this many days: the clauses ask them kept up to date
# without naming an age, so the body's own rule is set here.
# How long the database backups are kept (docs/production.md, Backups): the erasure certificate
# of a closed contract says until when a backup may still hold its erased data (docs/keys.md).
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=30)
LEDGER_ANTIVIRUS_MAX_AGE_DAYS = env.int("LEDGER_ANTIVIRUS_MAX_AGE_DAYS", default=30)
LEDGER_PATCH_MAX_AGE_DAYS = env.int("LEDGER_PATCH_MAX_AGE_DAYS", default=90)
# The daily report of computers whose anti-virus pattern or updates are older than allowed
# (docs/ledgers.md): it opens each such device's duty where the clauses ask them kept current.
CELERY_BEAT_SCHEDULE["device-protection-sweep"] = {
    "task": "ledgers.tasks.sweep_device_protection",
    "schedule": float(env.int("DEVICE_PROTECTION_SWEEP_SECONDS", default=24 * 3600)),
}
# Take-outs not brought back by their planned return (docs/ledgers.md): each reported once.
CELERY_BEAT_SCHEDULE["takeout-overdue-sweep"] = {
    "task": "ledgers.tasks.sweep_overdue_takeouts",
    "schedule": float(env.int("TAKEOUT_OVERDUE_SWEEP_SECONDS", default=600)),
}
# Importing a ledger kept in Excel (docs/ledgers.md): every row goes through the services in one
# transaction, twice (the preview tries them and rolls back), so the file is kept smaller than
# the spreadsheet engine's own limits (5 MB, 5,000 rows; core.spreadsheets).
LEDGER_IMPORT_MAX_BYTES = env.int("LEDGER_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
LEDGER_IMPORT_MAX_ROWS = env.int("LEDGER_IMPORT_MAX_ROWS", default=500)
# An uploaded file not applied or abandoned is removed after this many minutes (it names people).
LEDGER_IMPORT_KEEP_MINUTES = env.int("LEDGER_IMPORT_KEEP_MINUTES", default=60)
CELERY_BEAT_SCHEDULE["ledger-import-sweep"] = {
    "task": "ledgers.tasks.sweep_ledger_imports",
    "schedule": float(env.int("LEDGER_IMPORT_SWEEP_SECONDS", default=600)),
}
# Incidents (docs/incidents.md): a report the public body has not acknowledged within this many
# hours, counted on its business days only, is escalated to the body's administrators, once.
INCIDENT_ACK_HOURS = env.int("INCIDENT_ACK_HOURS", default=2)
CELERY_BEAT_SCHEDULE["incident-ack-sweep"] = {
    "task": "incidents.tasks.sweep_unacknowledged_incidents",
    "schedule": float(env.int("INCIDENT_ACK_SWEEP_SECONDS", default=300)),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Reminders: days before a duty's due date when its people are reminded (then daily once
# overdue), and how often the sweep runs.
REMINDER_OFFSETS_DAYS = [int(x) for x in env.list("REMINDER_OFFSETS_DAYS", default=["14", "7", "1", "0"])]
REMINDER_SWEEP_SECONDS = env.int("REMINDER_SWEEP_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["duty-reminder-sweep"] = {
    "task": "compliance.tasks.sweep_reminders",
    "schedule": float(REMINDER_SWEEP_SECONDS),
}
# Reminders recorded by a sweep whose delivery task was never published (or died) are
# delivered by this catch-up, once they are older than REMINDER_DELIVERY_GRACE_SECONDS.
REMINDER_DELIVERY_GRACE_SECONDS = env.int("REMINDER_DELIVERY_GRACE_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["reminder-delivery-catch-up"] = {
    "task": "compliance.tasks.deliver_pending_reminders",
    "schedule": 60.0,
}
# Exports prepared in Celery (core.services.exports): lost publishes, dead runs, expired files.
CELERY_BEAT_SCHEDULE["exports-sweep"] = {"task": "core.tasks.exports_sweep", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["orphan-files"] = {
    "task": "core.tasks.remove_orphan_files",
    "schedule": crontab(hour=3, minute=30),
}
CELERY_BEAT_SCHEDULE["notification-digest"] = {
    "task": "compliance.tasks.send_digests",
    "schedule": crontab(hour=8, minute=0),
}
