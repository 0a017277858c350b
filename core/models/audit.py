from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet):
    # The database refuses UPDATE and DELETE on this table (triggers in the migrations); these
    # make the ORM say so before it even tries.
    def update(self, **kwargs):
        raise PermissionError("The event log is append-only.")

    def delete(self):
        raise PermissionError("The event log is append-only.")


class Event(models.Model):
    """One entry of the audit trail: append-only and hash-chained (core.audit)."""

    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=True,
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # The contract an event belongs to (plain integer: core knows no domain app). The duty
    # engine reads events by contract and kind.
    contract_id = models.BigIntegerField(_("contract"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["kind", "id"], name="event_kind_idx"),
            models.Index(fields=["contract_id", "id"], name="event_contract_idx"),
            models.Index(fields=["organisation", "id"], name="event_org_idx"),
            models.Index(fields=["object_type", "object_id"], name="event_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    def delete(self, *args, **kwargs):
        raise PermissionError("The event log is append-only.")


class WorkerHeartbeat(models.Model):
    """Written by a beat-scheduled task so /healthz can tell whether workers run."""

    name = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name
