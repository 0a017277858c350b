from django.db import models

from core.approvals import Approvable


class Application(Approvable):
    """A concrete approvable thing, only for testing the shared workflow."""

    title = models.CharField(max_length=100)
    contract_id = models.BigIntegerField(null=True, blank=True)
    # Numbered per "contract" like the domain's approvables (core.approvables.next_number).
    number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.title
