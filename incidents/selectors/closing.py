"""The incidents' part of a contract's close checklist (contracts.selectors.closing, registered
under its slot from IncidentsConfig.ready()): each incident the public body has not closed.
Such a gap cannot be overridden: closing the contract destroys its data key, and with it the
report's record, while the incident is still being handled. One query."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.selectors.closing import CloseGap
from incidents.models import Incident
from incidents.selectors.incidents import with_state

GAP_KIND = "incident"


def incident_close_gaps(contract: Contract) -> list[CloseGap]:
    open_ones = (
        with_state(Incident.objects.filter(contract=contract))
        .filter(closed_at__isnull=True)
        .order_by("number")
    )
    return [
        CloseGap(
            kind=GAP_KIND,
            what=_("Incident #%(n)s (%(category)s) is not closed")
            % {"n": incident.number, "category": incident.get_category_display()},
            link=reverse("incidents:incident_detail", args=[incident.pk]),
            overridable=False,
        )
        for incident in open_ones
    ]
