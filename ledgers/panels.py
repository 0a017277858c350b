"""What the ledgers show on pages they do not own (core.panels): a line on the contract's page
that leads to its ledgers (contracts may not name this app's URLs); and the take-out requests
and the applications (copy, provision, bring-in, disposal) as approvables (core.approvables), so
that they wait on their approvers' home pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from contracts.selectors.contracts import contracts_visible_to
from core.approvables import Where
from core.models import Role
from ledgers import events
from ledgers.models import PROXIES, Approver, InspectionFinding, TakeoutRequest
from ledgers.permissions import KEEPERS


def contract_ledger_links(request, contract) -> tuple[str, str, str]:
    # The contract's page is shown only to those who may see the contract, and everyone who may
    # see it may read its device ledger (a subcontractor its own part of it).
    return (
        _("Device ledger"),
        _("PCs and media used for the work"),
        reverse("ledgers:device_list", args=[contract.pk]),
    )


def contract_information_link(request, contract) -> tuple[str, str, str]:
    # The same readers as the device ledger: whoever sees the contract (a subcontractor its part).
    return (
        # The ledger's own name (情報管理台帳); the clause kind of the same words reads otherwise.
        pgettext("ledger", "Information ledger"),
        _("Information received and its custody"),
        reverse("ledgers:information_list", args=[contract.pk]),
    )


def contract_applications_link(request, contract) -> tuple[str, str, str]:
    # The same readers again; the four kinds' lists link to each other, so one link leads there.
    return (
        _("Applications"),
        _("Copies, provision to third parties, bring-ins, returns and disposals"),
        reverse("ledgers:request_list", args=[contract.pk, "copy"]),
    )


def contract_inspections_link(request, contract) -> tuple[str, str, str]:
    # The same readers as the ledgers: whoever sees the contract (a subcontractor its part).
    return (
        _("Inspections"),
        _("Storage, data accuracy and backups inspected, and the findings corrected"),
        reverse("ledgers:inspection_list", args=[contract.pk]),
    )


def duty_inspection_links(request, duty) -> tuple[str, str] | None:
    """On the page of a duty of inspecting (backup-and-inspection): where it is met — the
    contract's inspections, or for a finding's corrective duty that finding's inspection. Reads
    only the duty's own fields (ledgers does not import compliance)."""
    if duty.obligation.kind != "backup-and-inspection":
        return None
    object_type, _sep, object_id = duty.subject.partition(":")
    if object_type == InspectionFinding._meta.label_lower:
        inspection_id = (
            InspectionFinding.objects.filter(pk=object_id).values_list("inspection_id", flat=True).first()
        )
        if inspection_id is not None:
            return (
                _("Open the inspection to record the correction"),
                reverse("ledgers:inspection_detail", args=[inspection_id]),
            )
    return (_("Open the inspections"), reverse("ledgers:inspection_list", args=[duty.contract_id]))


def describe_findings(ids) -> dict[str, str]:
    """A finding's corrective duty names it by its inspection's day and number (what it says is
    encrypted personal text: not put in titles that the audit trail's pages show)."""
    from core.wareki import format_wareki

    return {
        str(pk): _("Finding %(n)s of the inspection of %(day)s") % {"n": number, "day": format_wareki(day)}
        for pk, number, day in InspectionFinding.objects.filter(
            pk__in=[i for i in ids if i.isdigit()]
        ).values_list("pk", "number", "inspection__inspected_on")
    }


def register() -> None:
    from core.describers import register_object_describer
    from core.panels import register_slot

    register_slot("contract_detail.links", contract_ledger_links)
    register_slot("contract_detail.links", contract_information_link)
    register_slot("contract_detail.links", contract_applications_link)
    register_slot("contract_detail.links", contract_inspections_link)
    register_slot("duty_detail.links", duty_inspection_links)
    register_object_describer(InspectionFinding._meta.label_lower, describe_findings)


def _where(takeout) -> Where:
    # The contract's take-out requests, not its page: a subcontractor's manager may not see that.
    return Where(
        takeout.contract.number,
        reverse("ledgers:takeout_list", args=[takeout.contract_id]),
        takeout.organisation.name,
    )


def _client_decides(user, membership, qs):
    """The submitted ones the public body's managers of their contracts decide
    (permissions.can_decide_application, as a filter)."""
    if membership is None or user.is_superuser:
        return qs.none()
    if membership.role not in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF):
        return qs.none()
    managed = qs.filter(
        contract__in=contracts_visible_to(user, membership),
        contract__public_body_id=membership.organisation_id,
    )
    if membership.role == Role.CLIENT_STAFF and membership.department_id is not None:
        managed = managed.filter(contract__department_id=membership.department_id)
    return managed


def _decided_by(user, membership, qs):
    """The submitted take-out requests this membership decides (permissions.can_decide_takeout,
    as a filter): the public body's managers decide taking information out; the requesting
    party's own manager decides media alone where the clauses say so, but never a request the
    manager drafted (the service refuses it too)."""
    if membership is None or user.is_superuser:
        return qs.none()
    if membership.role in (Role.CLIENT_ADMIN, Role.CLIENT_STAFF):
        return _client_decides(user, membership, qs.filter(approver=Approver.CLIENT))
    if membership.role == Role.CONTRACTOR_ADMIN:
        return qs.filter(approver=Approver.CONTRACTOR, organisation_id=membership.organisation_id).exclude(
            created_by=user
        )
    return qs.none()


def _requesters_own(user, membership, qs):
    """A returned request is corrected by the party that made it (permissions.can_request_takeout)."""
    if membership is None or membership.role not in KEEPERS:
        return qs.none()
    return qs.filter(organisation_id=membership.organisation_id)


def _request_where(request) -> Where:
    return Where(
        request.contract.number,
        reverse("ledgers:request_list", args=[request.contract_id, request.kind]),
        request.organisation.name,
    )


def register_approvables() -> None:
    from core.approvables import register_approvable
    from ledgers.services import requests, takeouts

    for kind, proxy in PROXIES.items():
        register_approvable(
            model=proxy,
            event_prefix=kind,
            policy=requests.policy_for(kind),
            decidable=_client_decides,
            returned=_requesters_own,
            title=requests.title_of,
            url=lambda r: reverse("ledgers:request_detail", args=[r.pk]),
            where=_request_where,
            related=("contract", "organisation"),
        )

    register_approvable(
        model=TakeoutRequest,
        event_prefix=events.TAKEOUT_PREFIX,
        policy=takeouts.policy,
        decidable=_decided_by,
        returned=_requesters_own,
        title=lambda t: _("Take-out request #%(n)s") % {"n": t.number},
        url=lambda t: reverse("ledgers:takeout_detail", args=[t.pk]),
        where=_where,
        related=("contract", "organisation"),
    )
