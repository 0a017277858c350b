from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    """A data key for one scope (an organisation's people, or one contract), wrapped by a master key.

    Destroying it (wrapped_key emptied, destroyed_at set) makes everything encrypted under it
    unreadable: that is how the portal erases a contract's personal data at disposal.
    """

    scope = models.CharField(_("scope"), max_length=100, help_text=_("What this key protects."))
    master_key_id = models.CharField(_("master key id"), max_length=50)
    wrapped_key = models.BinaryField(_("wrapped key"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")

    def __str__(self) -> str:
        return f"{self.scope} (#{self.pk})"

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None
