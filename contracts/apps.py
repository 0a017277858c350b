from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from contracts import forms_pdf, forms_training, forms_worksites, panels
        from contracts.demo import seed_rosters
        from core.demo import register_seeder

        panels.register()
        for forms in (forms_pdf, forms_worksites, forms_training):
            forms.register()
        register_seeder(seed_rosters, order=20)
