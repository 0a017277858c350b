from django.db import models

from core.approvals import Approvable


class Application(Approvable):
    """A concrete approvable thing, only for testing the shared workflow."""

    title = models.CharField(max_length=100)
    contract_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title
