from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("Ledgers")

    def ready(self) -> None:
        from ledgers import events, panels

        events.register()
        panels.register()  # the contract page's link to the device ledger
