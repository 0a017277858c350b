from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from core.demo import register_seeder
        from ledgers import events, panels
        from ledgers.demo import seed_devices, seed_information, seed_inspections

        events.register()
        from core.files import register_purpose_labels
        from ledgers.services.submissions import PURPOSE as SUBMISSION_PURPOSE

        register_purpose_labels(
            {
                "disposal_certificate": _("Certificates of return or disposal"),
                SUBMISSION_PURPOSE: _("Ledger submissions"),
            }
        )
        from clauses.api import register_condition_checker
        from ledgers.selectors.information import handlers_missing

        # 003 §12: who of the contractor receives, hands over and carries the information.
        register_condition_checker("handler_roles", handlers_missing)
        panels.register()  # the contract page's link to the device ledger
        panels.register_approvables()  # the take-out requests on their approvers' home pages
        from ledgers import pdf as ledger_pdf

        ledger_pdf.register()  # the custody slips (受領証, 受渡票)
        from contracts.selectors.closing import GAPS_SLOT
        from core.panels import register_slot
        from ledgers.selectors.closing import ledger_close_gaps

        register_slot(GAPS_SLOT, ledger_close_gaps)  # what a contract's close still waits for
        register_seeder(seed_devices, order=26)  # after the work sites and the rosters
        register_seeder(seed_information, order=27)
        register_seeder(seed_inspections, order=28)  # of the information just received
