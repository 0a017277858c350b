"""The event kinds the clause library records, with their labels (design.md: each app declares its own).

Registered with core.audit from ClausesConfig.ready(). The vocabulary of events a template may
name in `opens_on` / `fulfilled_by` is another list: clauses/event_kinds.py.
"""

from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds

RECORDED_KINDS = {
    "clause_template.loaded": _("Clause template loaded"),
}


def register() -> None:
    register_event_kinds("clauses", RECORDED_KINDS)
