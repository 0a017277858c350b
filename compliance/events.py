"""The event kinds compliance records, with their labels (design.md: each app declares its own).

Registered with core.audit from ComplianceConfig.ready().
"""

from django.utils.translation import gettext_lazy as _

from core.audit import register_event_kinds

RECORDED_KINDS = {
    "duty.requested": _("Duty requested by the public body"),
    "duty.waived": _("Duty waived"),
    "attestation.confirmed": _("Measure attested for a duty"),
}


def register() -> None:
    register_event_kinds("compliance", RECORDED_KINDS)
