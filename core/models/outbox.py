"""The transactional outbox for e-mail (docs/outbox.md).

A message is a row written in the same transaction as whatever causes it (an invitation, a
password reset, a person's reminders), so it exists exactly when its cause does. Sending is a
separate step that claims the row, hands the message to SMTP and marks it sent; the states say
how far a crashed attempt got, so that nothing is lost and nothing is resent blindly.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField


class OutboundMessage(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    # Unique: enqueueing the same message twice (a re-run, a retried request) records one row,
    # and the Message-ID header is derived from it, so a receiver can drop a copy.
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=500)
    # Bodies may carry one-time links (password reset, invitation): encrypted at rest.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("body"), blank=True)
    html = EncryptedTextField(_("HTML body"), blank=True)
    # Attachments are named, not stored: [{"builder": name, ...params}], built just before the
    # claim by the builder an app registered (core.services.outbox.register_attachment_builder),
    # so rendered PDFs with personal data never sit in this table.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Not to be tried before this time (backoff after a mail-server error).
    available_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # Set, and committed, just before the SMTP exchange starts: a 'sending' row without it never
    # reached the mail server, one with it may have (the only uncertain case).
    handed_at = models.DateTimeField(_("handed to the mail server at"), null=True, blank=True)
    # How often a crashed attempt left it uncertain whether the message had left.
    uncertain = models.PositiveSmallIntegerField(_("uncertain attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "available_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.state})"
