"""The event kinds the clause library records, with their labels (design.md: each app declares its own).

Registered with core.audit from ClausesConfig.ready(). A template may name in `opens_on` /
`fulfilled_by` any kind some app declares this way (clauses.library checks against
core.audit.known_event_kinds()).
"""

from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds

CLAUSE_TEMPLATE_LOADED = "clause_template.loaded"

RECORDED_KINDS = {
    CLAUSE_TEMPLATE_LOADED: _("Clause template loaded"),
}


def register() -> None:
    register_event_kinds("clauses", RECORDED_KINDS)
