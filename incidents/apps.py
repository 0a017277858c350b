from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from contracts.selectors.closing import GAPS_SLOT, register_gap_kind
        from core.panels import register_slot
        from incidents import events, panels, pdf  # noqa: F401 (pdf registers its form)
        from incidents.selectors.closing import GAP_KIND, incident_close_gaps

        events.register()
        panels.register()  # the contract page's link, the home panels of both sides
        # An incident not closed holds the contract's close back, with no override.
        register_gap_kind(GAP_KIND, _("Incidents not closed"))
        register_slot(GAPS_SLOT, incident_close_gaps)
