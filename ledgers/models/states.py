"""Where each item of the information ledger stands now: a projection of its custody events.

Not evidence and not a second source of truth: a cache of `replay` over the item's events, kept
by the custody services in the same transaction as each event (ledgers.services.states) so the
ledger's list page can filter and page in SQL instead of replaying thousands of events a page.
`manage.py ledgers_rebuild_states` rebuilds it from the events; a page "as of" a past day still
replays them.
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from core.validators import LABEL


class InformationItemState(models.Model):
    item = models.OneToOneField(
        "ledgers.InformationItem",
        verbose_name=_("information item"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="state",
    )
    # One of ledgers.selectors.information.Status (the replay's vocabulary, not a choice list of
    # its own: the selectors own the rules).
    status = models.CharField(_("status"), max_length=20)
    worksite = models.ForeignKey(
        "contracts.Worksite", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    storage_place = models.CharField(_("storage place"), max_length=LABEL, blank=True)
    holder = models.ForeignKey(
        "contracts.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The item's contract key: the destination is a copy of an event's, encrypted as it is.
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    destination = EncryptedTextField(_("destination"), blank=True, validators=[MaxLengthValidator(LABEL)])
    copies = models.PositiveIntegerField(_("number of copies"), default=0)
    user_count = models.PositiveIntegerField(_("number of people who may use it"), default=0)
    # The last event that counts (none voided by a correction): what the row was computed up to.
    last_occurred_at = models.DateTimeField(null=True, blank=True)
    last_sequence = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("information item state")
        verbose_name_plural = _("information item states")
        indexes = [
            # The list page's status filter joins this table on the item.
            models.Index(fields=["status"], name="infostate_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.status}"
