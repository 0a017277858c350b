from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from clauses.models import ClauseTemplate
from contracts import events, permissions
from contracts.models import FINISHED_STATUSES, Contract
from contracts.selectors import contracts as selectors
from core.audit import record_event
from core.models import Membership, OrganisationKind
from core.selectors import public_bodies_of_contractor
from core.services.keys import data_key_create
from core.validators import check_input

# What a person enters to register a contract, in the order the forms show it: the one list the
# forms (contracts.forms.contracts) and contract_create share. A contractor's proposal leaves out
# what only the public body decides.
FIELDS = (
    "public_body",
    "number",
    "title",
    "department",
    "contractor",
    "clause_template",
    "start_date",
    "end_date",
    "work_start_date",
    "handles_personal_info",
    "handles_my_number",
    "on_premises",
    "subcontracting",
    "uses_client_network",
    "client_responsible",
    "contractor_responsible",
)
CLIENT_ONLY_FIELDS = ("department", "contractor", "client_responsible")
# What the contract's page may change later, as the work turns out (the contractor connects to
# the public body's network after all): facts the clauses depend on (applies_if). Whether it
# handles personal information is not among them: it decides which statutory clauses it adopts.
CONDITION_FIELDS = ("handles_my_number", "on_premises", "subcontracting", "uses_client_network")


def _grant_access(contract: Contract) -> None:
    # The contractor's members and the department's staff read the contract through guardian;
    # whole-body staff, administrators and auditors of the public body read it by membership.
    assign_perm("contracts.view_contract", contract.contractor.group, contract)
    if contract.department_id:
        assign_perm("contracts.view_contract", contract.department.group, contract)


def period_errors(start: date | None, end: date | None, work_start: date | None) -> dict[str, str]:
    """The contract period's rules, for the service and for the form (errors at their fields)."""
    errors = {}
    if start and end and end < start:
        errors["end_date"] = _("The contract cannot end before it starts.")
    elif start and end and work_start and not start <= work_start <= end:
        errors["work_start_date"] = _("Work must start within the contract period.")
    return errors


def _validate(contract: Contract) -> None:
    errors = period_errors(contract.start_date, contract.end_date, contract.work_start_date)
    if contract.contractor_id and contract.contractor.kind != OrganisationKind.CONTRACTOR:
        errors["contractor"] = _("Choose a contractor.")
    if contract.department_id and contract.department.organisation_id != contract.public_body_id:
        errors["department"] = _("The department belongs to another organisation.")
    # The responsible persons receive the contract's reminders with its details: a person of
    # another company (or of another body) must never be named, whatever the form offered.
    if contract.contractor_responsible_id and not selectors.is_responsible_candidate(
        contract.contractor_responsible, contract.contractor_id, selectors.CONTRACTOR_RESPONSIBLE_ROLES
    ):
        errors["contractor_responsible"] = _(
            "Choose an active member of the chosen contractor (%(company)s) as its responsible person."
        ) % {"company": contract.contractor.name if contract.contractor_id else "-"}
    if contract.client_responsible_id and not selectors.is_responsible_candidate(
        contract.client_responsible, contract.public_body_id, selectors.CLIENT_RESPONSIBLE_ROLES
    ):
        errors["client_responsible"] = _(
            "Choose an active administrator or staff member of this public body as its responsible staff."
        )
    if errors:
        raise ValidationError(errors)


def _additional_errors(contract: Contract, templates: Sequence[ClauseTemplate]) -> list[str]:
    """What is wrong with the further templates chosen beside the contract's clauses."""
    errors = []
    families = [t.template_id for t in templates]
    if any(t.statutory for t in templates):
        errors.append(_("Statutory clauses apply by law: they are not chosen."))
    if contract.clause_template_id and contract.clause_template.template_id in families:
        errors.append(_("The special clauses chosen above are adopted already: do not choose them again."))
    if len(set(families)) != len(families):
        errors.append(_("Choose one version of each further template."))
    return errors


@transaction.atomic
def contract_create(
    *,
    actor,
    actor_membership: Membership,
    additional_templates: Sequence[ClauseTemplate] = (),
    **fields,
) -> Contract:
    """Register a draft (or a contractor's proposal). `additional_templates` are the public
    body's further templates the contract adopts beside its clauses (its own standing rules);
    the duty engine adopts them from `contract.created` and opens their procurement steps."""
    if not permissions.can_create_contract(actor, actor_membership):
        raise PermissionDenied
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields {sorted(unknown)}")
    if actor_membership.is_contractor_side:
        # A proposal: the contractor names a public body it works with; that body confirms it.
        public_body = fields.pop("public_body", None)
        if (
            public_body is None
            or not public_bodies_of_contractor(actor_membership.organisation)
            .filter(pk=public_body.pk)
            .exists()
        ):
            raise ValidationError({"public_body": _("Choose a public body you work with.")})
        for field in CLIENT_ONLY_FIELDS:
            fields.pop(field, None)
        contract = Contract(
            public_body=public_body, contractor=actor_membership.organisation, created_by=actor, **fields
        )
    else:
        fields.pop("public_body", None)
        contract = Contract(public_body=actor_membership.organisation, created_by=actor, **fields)
        if actor_membership.department_id and not contract.department_id:
            contract.department = actor_membership.department
    _validate(contract)
    additional = list(additional_templates)
    if additional and actor_membership.is_contractor_side:
        raise ValidationError({"additional_templates": _("Only the public body adopts its own rules.")})
    if errors := _additional_errors(contract, additional):
        raise ValidationError({"additional_templates": errors})
    contract.data_key = data_key_create(scope=f"contract:{contract.public_body_id}:{contract.number}")
    contract.full_clean()
    contract.save()
    _grant_access(contract)
    record_event(
        kind=events.CONTRACT_PROPOSED if actor_membership.is_contractor_side else events.CONTRACT_CREATED,
        actor=actor,
        obj=contract,
        contract_id=contract.pk,
        organisation_id=contract.public_body_id,
        data={
            "template": contract.clause_template_id,
            "contractor": contract.contractor_id,
            # Read by the duty engine (compliance.engine._additional_ids).
            "additional_templates": [t.pk for t in additional],
        },
    )
    return contract


def _record_lifecycle(*, actor, contract: Contract, kind: str, on: date | None) -> None:
    # The effective date lets the duty engine count deadlines from the day it really happened
    # (a contract signed last month and registered today).
    record_event(
        kind=kind,
        actor=actor,
        obj=contract,
        contract_id=contract.pk,
        organisation_id=contract.public_body_id,
        data={"effective_date": (on or timezone.localdate()).isoformat()},
    )


def _move(
    *, actor, actor_membership, contract: Contract, expected: str, to: str | None, stamp: str, error: str
) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if not permissions.can_manage_contract(actor, actor_membership, contract):
        raise PermissionDenied
    if contract.status != expected:
        raise ValidationError(error)
    if to is not None:
        contract.status = to
        setattr(contract, stamp, timezone.now())
        contract.save(update_fields=["status", stamp])
    return contract


@transaction.atomic
def contract_activate(
    *, actor, actor_membership: Membership | None, contract: Contract, signed_on: date | None = None
) -> Contract:
    """Activate a signed contract: its duties are generated from the adopted template."""
    # Contracts drafted before dates were bounded may carry 0001-01-01 or 9999-12-31: such a
    # period would open duties due in year 1 or overflow the deadline arithmetic.
    check_input(
        dates={
            "signed_on": signed_on,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "work_start_date": contract.work_start_date,
        }
    )
    contract = _move(
        actor=actor,
        actor_membership=actor_membership,
        contract=contract,
        expected=Contract.Status.DRAFT,
        to=Contract.Status.ACTIVE,
        stamp="activated_at",
        error=_("Only a draft contract can be activated."),
    )
    _record_lifecycle(actor=actor, contract=contract, kind=events.CONTRACT_ACTIVATED, on=signed_on)
    return contract


@transaction.atomic
def contract_record_work_start(
    *, actor, actor_membership: Membership | None, contract: Contract, started_on: date | None = None
) -> Contract:
    check_input(dates={"started_on": started_on})
    contract = _move(
        actor=actor,
        actor_membership=actor_membership,
        contract=contract,
        expected=Contract.Status.ACTIVE,
        to=None,
        stamp="",
        error=_("Work can start only under an active contract."),
    )
    _record_lifecycle(actor=actor, contract=contract, kind=events.CONTRACT_WORK_STARTED, on=started_on)
    return contract


@transaction.atomic
def contract_end(
    *, actor, actor_membership: Membership | None, contract: Contract, ended_on: date | None = None
) -> Contract:
    check_input(dates={"ended_on": ended_on})
    contract = _move(
        actor=actor,
        actor_membership=actor_membership,
        contract=contract,
        expected=Contract.Status.ACTIVE,
        to=Contract.Status.ENDED,
        stamp="ended_at",
        error=_("Only an active contract can be ended."),
    )
    _record_lifecycle(actor=actor, contract=contract, kind=events.CONTRACT_ENDED, on=ended_on)
    return contract


@transaction.atomic
def contract_update_conditions(
    *, actor, actor_membership: Membership | None, contract: Contract, **conditions: bool
) -> Contract:
    """Change the contract's conditions (CONDITION_FIELDS). `contract.updated` names what changed:
    the duty engine opens then the duties of the clauses that now apply (contracts.selectors.facts)."""
    unknown = set(conditions) - set(CONDITION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields {sorted(unknown)}")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if not permissions.can_manage_contract(actor, actor_membership, contract):
        raise PermissionDenied
    if contract.status in FINISHED_STATUSES:
        raise ValidationError(_("The contract has ended."))
    changed = sorted(name for name, value in conditions.items() if getattr(contract, name) != bool(value))
    if not changed:
        return contract
    for name in changed:
        setattr(contract, name, bool(conditions[name]))
    contract.full_clean()
    contract.save(update_fields=changed)
    record_event(
        kind=events.CONTRACT_UPDATED,
        actor=actor,
        obj=contract,
        contract_id=contract.pk,
        organisation_id=contract.public_body_id,
        data={"changed": changed, **{name: getattr(contract, name) for name in changed}},
    )
    return contract
