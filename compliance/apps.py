from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from compliance.engine import handle_event
        from core.audit import subscribe

        subscribe(handle_event)
        from compliance.selectors import describe_duties
        from core.describers import register_object_describer

        register_object_describer("compliance.duty", describe_duties)  # titles in the audit trail
        from compliance import events
        from core.navigation import register_nav_item

        events.register()
        register_nav_item(
            "calendar", _("Calendar feed"), "compliance:calendar_settings", order=10, menu="profile"
        )

        from compliance import panels
        from compliance.demo import seed_attestations, seed_contracts
        from core.demo import register_seeder

        # The home pages' panels, and the contract's pages (in contracts): status, duties, columns.
        panels.register()
        from compliance import pdf

        pdf.register()
        from compliance.services.delivery import ATTACHMENT_BUILDER, duty_form_attachment
        from core.services.outbox import register_attachment_builder

        register_attachment_builder(ATTACHMENT_BUILDER, duty_form_attachment)
        register_seeder(seed_contracts, order=10)
        register_seeder(seed_attestations, order=40)  # after the rosters and subcontracts
