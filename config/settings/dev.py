"""The embedded default: one machine, no servers (SQLite, file broker, e-mail to files)."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

# Off by default: a 404 shows the portal's own Japanese page, not Django's English debug page
# listing every URL pattern (a contractor following a link it may not open would see it).
# Developers switch it on with DJANGO_DEBUG=true (README, docs/settings.md).
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The demo accounts (seed_demo, run by `make run`) belong to this embedded default, with DEBUG
# on or off; production settings never set this.
DEMO_DATA_ALLOWED = True
# A service recording an undeclared event kind fails here as in the tests, whatever DEBUG is.
AUDIT_REQUIRE_DECLARED_KINDS = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-0123456789")

# Dev-only keys: the real ones come from the environment (docs/keys.md).
FIELD_ENCRYPTION_KEYS = env(
    "FIELD_ENCRYPTION_KEYS", default="dev1:ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kISE="
)
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LTAxMjM0NTY=")

_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    for sub in ("queue", "processed"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
DEV_OUTBOX = True

# Serve static files straight from the source folders (no collectstatic needed); WhiteNoise
# does it with DEBUG off too, where runserver itself serves none.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
