from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from core import events, navigation

        events.register()
        navigation.register()
        # The pending-approvals and returned-to-me lists, fed by every app's approvables.
        from core.approvables import register_panels

        register_panels()
