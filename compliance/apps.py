from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from compliance.engine import handle_event
        from core.audit import subscribe

        subscribe(handle_event)

        from compliance import panels
        from compliance.demo import seed_contracts
        from core.demo import register_seeder

        panels.register()
        from compliance import forms_pdf

        forms_pdf.register()
        register_seeder(seed_contracts, order=10)
