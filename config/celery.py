import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _catch_up_on_start(sender=None, **kwargs):
    # Beat runs interval tasks only after their first interval: without this, a worker that
    # just started would look down on /healthz for a minute and reminders missed while it was
    # stopped would wait an hour; so would mail left in the outbox. Every one of these tasks is
    # idempotent, so several workers may all do it.
    sender.app.send_task("core.tasks.heartbeat")
    sender.app.send_task("compliance.tasks.sweep_reminders")
    sender.app.send_task("compliance.tasks.deliver_pending_reminders")
    sender.app.send_task("core.tasks.outbox_flush")
