"""Who may do what with incidents: every rule, named for what it allows."""

from __future__ import annotations

from core.models import Membership
from incidents.selectors.incidents import REPORTING_STATUSES, incident_parties, reporting_parties


def can_report_incident(user, membership: Membership | None, contract) -> bool:
    """Any member of the contractor or of a subcontract tier of the contract reports what it
    finds, at once and in few words (000 §16, 001 §24), also after the contract has ended
    (003 §17), until the contract is closed (its data key destroyed)."""
    return bool(
        membership
        and membership.is_contractor_side
        and contract.status in REPORTING_STATUSES
        and membership.organisation_id in reporting_parties(contract)
    )


def can_answer_incident(user, membership: Membership | None, incident) -> bool:
    """The reporting tier and every tier above it (the contractor answers for its
    subcontractors, 001 §16) add to the report and acknowledge the public body's instructions."""
    return bool(
        membership
        and membership.is_contractor_side
        and incident.contract.status in REPORTING_STATUSES
        and membership.organisation_id in incident_parties(incident)
    )


def can_handle_incident(user, membership: Membership | None, incident) -> bool:
    """The public body's managers of the contract acknowledge a report, give instructions and
    close it; its auditors read it. The site administrator does not act for the body."""
    from contracts.permissions import can_manage_contract

    if membership is None or user.is_superuser:
        return False
    return incident.contract.status in REPORTING_STATUSES and can_manage_contract(
        user, membership, incident.contract
    )


def can_judge_appi(user, membership: Membership | None, incident) -> bool:
    """The public body's managers of the contract judge whether a breach is reportable under the
    APPI and record the reports they sent to the Commission: the duty to report is the body's
    (statutory-appi.yaml), also after the incident is closed on the portal."""
    return can_handle_incident(user, membership, incident)


def can_read_appi(user, membership: Membership | None, incident) -> bool:
    """The public body's side (its staff of the contract and its auditors) reads the judgement,
    the reports sent and the draft report: they are the body's dealings with the Commission."""
    return bool(membership and membership.is_client_side and not user.is_superuser)
