from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClausesConfig(AppConfig):
    """The clause library: templates as versioned data, below every domain app."""

    name = "clauses"
    verbose_name = _("Clause library")

    def ready(self) -> None:
        from clauses import events
        from core.navigation import register_nav_item

        events.register()
        register_nav_item(
            "clause_library",
            _("Clause library"),
            "clauses:template_list",
            order=50,
            current={"clauses:template_detail", "clauses:template_compare"},
            # The library is the public bodies' tool; contractors see the clauses of their contracts.
            visible=lambda ctx: ctx.is_member and ctx.membership.is_client_side,
        )
