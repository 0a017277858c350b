from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClausesConfig(AppConfig):
    """The clause library: templates as versioned data, below every domain app."""

    name = "clauses"
    verbose_name = _("Clause library")
