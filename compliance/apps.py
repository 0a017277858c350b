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
        from compliance.services.duties import EVIDENCE_PURPOSE
        from compliance.services.submissions import FILE_PURPOSE
        from core.files import register_purpose_labels

        register_purpose_labels(
            {EVIDENCE_PURPOSE: _("Attestation files"), FILE_PURPOSE: _("Submitted documents")}
        )
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
        register_submission_approvable()
        register_seeder(seed_contracts, order=10)
        register_seeder(seed_attestations, order=40)  # after the rosters and subcontracts


def register_submission_approvable() -> None:
    """A document submitted for a duty is an approvable (core.approvables): the approver's home
    list finds those waiting for acceptance, the contractor's manager those returned to it."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from compliance import events
    from compliance.models import DutySubmission
    from compliance.services import submissions
    from contracts.selectors.contracts import contracts_visible_to
    from core.approvables import Where, register_approvable
    from core.describers import register_object_describer
    from core.models import Role

    def decidable(user, membership, qs):
        # Only those the clause asks to be accepted, on contracts this person reads, by the side
        # that accepts them (the public body for the contractor's duties, and the reverse).
        if membership is None:
            return qs.none()
        qs = qs.filter(needs_acceptance=True, contract__in=contracts_visible_to(user, membership))
        if membership.role in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF):
            return qs.filter(duty__obligation__actor="contractor")
        return qs.filter(duty__obligation__actor="client", contract__contractor_id=membership.organisation_id)

    def returned(user, membership, qs):
        if membership is None or membership.role != Role.CONTRACTOR_ADMIN:
            return qs.none()
        return qs.filter(
            duty__obligation__actor="contractor", contract__contractor_id=membership.organisation_id
        )

    def where(s) -> Where:
        contract = s.contract
        return Where(
            contract.number,
            reverse("contracts:contract_detail", args=[contract.pk]),
            contract.contractor.name,
        )

    def describe(ids: list[str]) -> dict[str, str]:
        # The audit trail names a submission as its page does (core.describers), in one query.
        pks = [int(i) for i in ids if str(i).isdigit()]
        found = DutySubmission.objects.filter(pk__in=pks).select_related("duty__obligation")
        return {str(s.pk): submissions.submission_title(s) for s in found}

    register_object_describer("compliance.dutysubmission", describe)
    register_approvable(
        model=DutySubmission,
        event_prefix=events.SUBMISSION_PREFIX,
        policy=submissions.policy,
        decidable=decidable,
        returned=returned,
        title=lambda s: _("Document for a duty: %(title)s") % {"title": submissions.submission_title(s)},
        url=lambda s: reverse("compliance:duty_submission", args=[s.pk]),
        where=where,
        related=("contract", "contract__contractor", "duty__obligation"),
    )
