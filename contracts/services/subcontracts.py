"""Subcontracting (再委託・下請負) at any depth: applied for by the entrusting party, approved by
the public body before the subcontractor starts, every tier alike (001 §15, 002 §9, 003 §6,
004 §2).

The workflow is the shared one (event prefix "subcontract"). A submission also records what the
clauses count as evidence: `subcontract.applied` (the first time), `subcontract.precheck_submitted`
(001 §15.2) and, for a re-subcontract, `subcontract.upstream_notified` after every party above
was told (001 §15.3(3)); approval records `subcontract.approved`. The duty engine reads those.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from clauses import api as clauses_api
from contracts import events, permissions
from contracts.models import FINISHED_STATUSES, Contract, Subcontract
from contracts.pdf.subcontracts import SUBCONTRACT_FORM, subcontract_context
from contracts.selectors.contracts import contract_approvers, organisation_people
from core.approvals import (
    EDITABLE,
    ApprovalAction,
    ApprovalPolicy,
    ApprovalState,
    FrozenForm,
    approval_transition,
)
from core.audit import record_event
from core.models import Event, Invitation, Membership, Organisation, Role
from core.selectors import contractors_working_with
from core.services import invitations as invitation_services
from core.services.notifications import notification_create
from core.templatetags.portal import clause_ja
from core.wareki import format_wareki

TEXT_FIELDS = ("reason", "scope", "information_handled", "security_measures", "supervision")
FIELDS = (
    "extent",
    *TEXT_FIELDS,
    "handles_personal_info",
    "start_date",
    "end_date",
    "precheck_confirmed",
    "equivalent_terms",
)


def _notify(subcontract: Subcontract, action: str) -> list:
    if action in (ApprovalAction.SUBMIT, ApprovalAction.WITHDRAW):
        return contract_approvers(subcontract.contract)
    # A decision reaches the applicant and the subcontractor it is about.
    return organisation_people([subcontract.upstream_id, subcontract.subcontractor_id], Role.CONTRACTOR_ADMIN)


def policy(membership: Membership | None) -> ApprovalPolicy:
    return ApprovalPolicy(
        event_prefix=events.SUBCONTRACT_PREFIX,
        can_submit=lambda actor, s: permissions.can_edit_subcontract(actor, membership, s),
        can_decide=lambda actor, s: permissions.can_decide_subcontract(actor, membership, s),
        notify=_notify,
        title=lambda s: (
            _("Subcontract of %(number)s to %(org)s")
            % {"number": s.contract.number, "org": s.subcontractor.name}
        ),
        # No approve button for what the clauses forbid outright (003 §6.1); the service refuses too.
        offers=lambda s, action: (
            not (action == ApprovalAction.APPROVE and extent_refusal(s.contract, s.extent))
        ),
        # The duties a decision opens count from the subcontract's own start (its yearly check).
        event_data=lambda s: {"work_start": s.start_date.isoformat()},
        # Kept exactly as submitted: a PDF stored with its SHA-256.
        frozen_form=FrozenForm(
            form_id=SUBCONTRACT_FORM,
            context=subcontract_context,
            filename=lambda s: f"subcontract-{s.contract_id}-{s.pk}.pdf",
            purpose="subcontract",
        ),
    )


def candidate_subcontractors(contract: Contract, parent: Subcontract | None = None):
    """Contractors the public body works with (it invited them into the portal), less the parties
    already in this chain: nobody subcontracts to itself or to someone above it."""
    return contractors_working_with(contract.public_body).exclude(pk__in=_chain_party_ids(contract, parent))


def _entrusting_party_id(contract: Contract, parent: Subcontract | None) -> int:
    return parent.subcontractor_id if parent is not None else contract.contractor_id


def known_subcontractors(contract: Contract, parent: Subcontract | None = None) -> QuerySet[Organisation]:
    """What the entrusting party is shown to choose from: the candidates it has already entrusted
    work to (on any contract, in any state). Never the whole candidate list: that is the public
    body's list of suppliers, and the contractor must not learn the other companies on it
    (docs/subcontracts.md)."""
    entrusted = Subcontract.objects.filter(upstream_id=_entrusting_party_id(contract, parent)).values(
        "subcontractor_id"
    )
    return candidate_subcontractors(contract, parent).filter(pk__in=entrusted)


def candidate_by_name(
    contract: Contract, name: str, parent: Subcontract | None = None
) -> Organisation | None:
    """A new subcontractor, named by its exact registered name (what the entrusting party knows
    from the company itself), if it is a candidate on this contract."""
    name = _normal(name)
    if not name:
        return None
    return candidate_subcontractors(contract, parent).filter(name=name).first()


def _normal(name: str | None) -> str:
    return " ".join((name or "").split())


def _chain_party_ids(contract: Contract, parent: Subcontract | None) -> set[int]:
    """The entrusting party and everyone above it: the contractor and the chain's subcontractors."""
    ids = {contract.contractor_id}
    if parent is not None:
        ids |= set(
            Subcontract.objects.filter(pk__in=parent.chain_ids).values_list("subcontractor_id", flat=True)
        )
    return ids


def _refusals(
    contract: Contract, parent: Subcontract | None, orgs: list[Organisation]
) -> dict[int, str | None]:
    """Why each organisation cannot be entrusted this work, or None: the one list of the rules
    (three queries for any number of organisations), so that the form explains before anything
    is typed what the service refuses after."""
    own = _entrusting_party_id(contract, parent)
    chain = _chain_party_ids(contract, parent)
    ids = [org.pk for org in orgs]
    candidates = set(
        candidate_subcontractors(contract, parent).filter(pk__in=ids).values_list("pk", flat=True)
    )
    # A link that ended (解除, or its period over) is history: the organisation may be engaged
    # again under a new link; one still applied for or running may not be doubled.
    linked = set(
        Subcontract.objects.filter(contract=contract, subcontractor_id__in=ids, ended_on__isnull=True)
        .exclude(approval_state=ApprovalState.REJECTED)
        .values_list("subcontractor_id", flat=True)
    )
    reasons: dict[int, str | None] = {}
    for pk in ids:
        if pk == own:
            reasons[pk] = _("Your own organisation cannot be its own subcontractor.")
        elif pk in chain:
            reasons[pk] = _("It is above you in this chain: work is never entrusted back up the chain.")
        elif pk not in candidates:  # not a contractor, inactive, or not one the body works with
            reasons[pk] = _("The public body of this contract does not work with it in the portal.")
        elif pk in linked:
            reasons[pk] = _(
                "It already has a subcontract on this contract that has not ended (one running "
                "subcontract per organisation and contract)."
            )
        else:
            reasons[pk] = None
    return reasons


def refusal_reason(contract: Contract, parent: Subcontract | None, organisation: Organisation) -> str | None:
    """Why `organisation` cannot be entrusted this work (below `parent`), or None."""
    return _refusals(contract, parent, [organisation])[organisation.pk]


def subcontractor_choices(
    contract: Contract, parent: Subcontract | None = None
) -> list[tuple[Organisation, str | None]]:
    """The organisations the entrusting party has entrusted work to before (on any contract, in
    any state), each with the reason it cannot be chosen here or None: what the form offers, and
    explains, before it is filled in. Only organisations it knows already (docs/subcontracts.md)."""
    entrusted = Subcontract.objects.filter(upstream_id=_entrusting_party_id(contract, parent)).values(
        "subcontractor_id"
    )
    orgs = list(Organisation.objects.filter(pk__in=entrusted).order_by("name"))
    reasons = _refusals(contract, parent, orgs) if orgs else {}
    return [(org, reasons[org.pk]) for org in orgs]


def extent_refusal(contract: Contract, extent: str) -> str | None:
    """Why the clauses forbid entrusting this much of the work, citing the article, or None."""
    if extent not in (Subcontract.Extent.MAIN, Subcontract.Extent.WHOLE):
        return None
    clause = clauses_api.main_part_subcontract_forbidden_by(contract)
    if clause is None:
        return None
    return _(
        "%(article)s of the special clauses forbids subcontracting the whole or the main part of the "
        "work: only a part that is not the main one may be applied for."
    ) % {"article": clause_ja(clause)}


def _clean(contract: Contract, values: dict, parent: Subcontract | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("extent") not in Subcontract.Extent.values:
        errors["extent"] = _("Choose how much of the work is subcontracted.")
    elif refusal := extent_refusal(contract, values["extent"]):
        errors["extent"] = refusal
    messages = {
        "reason": _("Give the reason for subcontracting."),
        "scope": _("Describe the part of the work that is subcontracted."),
        "information_handled": _("Describe the information the subcontractor handles."),
        "security_measures": _("Describe the subcontractor's security measures."),
        "supervision": _("Describe how the subcontractor is supervised."),
    }
    for name, message in messages.items():
        if not (values.get(name) or "").strip():
            errors[name] = message
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        errors["start_date"] = _("Enter the start date.")
    if end is None:
        errors["end_date"] = _("Enter the end date.")
    if start and end:
        if end < start:
            errors["end_date"] = _("The end cannot be before the start.")
        if start < contract.start_date or end > contract.end_date:
            errors["end_date"] = _(
                "The subcontract must lie within the contract period (%(start)s to %(end)s)."
            ) % {
                "start": contract.start_date.isoformat(),
                "end": contract.end_date.isoformat(),
            }
        elif parent is not None and (start < parent.start_date or end > parent.end_date):
            # A tier below cannot outlast (or precede) the work it is entrusted from.
            errors["end_date"] = _(
                "A re-subcontract must lie within the period of the subcontract above it "
                "(%(start)s to %(end)s)."
            ) % {"start": parent.start_date.isoformat(), "end": parent.end_date.isoformat()}
    return errors


def _after_earlier_end(
    contract: Contract, subcontractor_id: int, start: date | None, errors: dict[str, str]
) -> None:
    """A new link of an organisation engaged before starts on or after its earlier link's end:
    the two never run at once (the old one stays as history, its people approved until its end)."""
    if start is None or "start_date" in errors:
        return
    ended_on = (
        Subcontract.objects.filter(contract=contract, subcontractor_id=subcontractor_id, ended_on__gt=start)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    if ended_on is not None:
        errors["start_date"] = _(
            "Its earlier subcontract on this contract ended on %(day)s: a new one starts on that day "
            "or later."
        ) % {"day": format_wareki(ended_on)}


def _values(fields: dict) -> dict:
    values = {name: fields.get(name) for name in FIELDS}
    values["extent"] = values["extent"] or ""
    for name in TEXT_FIELDS:
        values[name] = (values[name] or "").strip()
    for name in ("handles_personal_info", "precheck_confirmed", "equivalent_terms"):
        values[name] = bool(values[name])
    return values


def _by_name(
    contract: Contract, parent: Subcontract | None, name: str
) -> tuple[Organisation | None, str | None]:
    """The organisation a typed name denotes here, or the reason it cannot be entrusted the work;
    (None, None) when no organisation of this name is registered with the public body (a new
    subcontractor, to be invited). A company the body does not work with gets the same answer as
    an unknown name, so a name tells no more than whether it can be chosen (docs/subcontracts.md)."""
    found = candidate_by_name(contract, name, parent)
    if found is not None:
        return found, refusal_reason(contract, parent, found)
    above = Organisation.objects.filter(pk__in=_chain_party_ids(contract, parent), name=_normal(name)).first()
    if above is not None:
        return above, refusal_reason(contract, parent, above)
    return None, None


def _subcontractor(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    parent: Subcontract | None,
    subcontractor: Organisation | None,
    name: str,
    manager_name: str,
    manager_email: str,
    errors: dict[str, str],
) -> tuple[Organisation | None, Invitation | None]:
    """The subcontractor of a new application and, for a new one, its manager's invitation: the
    one chosen, the one named, or a new organisation invited by e-mail (only when every other
    field is in order, so that a mistake elsewhere never leaves an invitation behind)."""
    if subcontractor is not None:
        if reason := refusal_reason(contract, parent, subcontractor):
            errors["subcontractor"] = reason
        return subcontractor, None
    if not _normal(name):
        errors["subcontractor"] = _("Choose a subcontractor, or enter the name of a new one.")
        return None, None
    found, reason = _by_name(contract, parent, name)
    if reason:
        errors["subcontractor_name"] = reason
        return None, None
    if found is not None:
        return found, None
    if not (manager_email or "").strip() and not _normal(manager_name):
        errors["subcontractor_name"] = _(
            "No organisation of this name is registered with the public body: check the name as "
            "registered there, or, for a new subcontractor, also enter its manager's name and e-mail "
            "address to invite it."
        )
        return None, None
    if errors:
        return None, None
    try:
        organisation, invitation, _token = invitation_services.subcontractor_invite(
            actor=actor,
            actor_membership=actor_membership,
            public_body=contract.public_body,
            name=name,
            email=manager_email,
            manager_name=manager_name,
        )
    except ValidationError as exc:
        # core names its own fields; the application's form names them for what they are here.
        aliases = {"name": "subcontractor_name", "email": "manager_email"}
        raise ValidationError(
            {aliases.get(field, field): messages for field, messages in exc.message_dict.items()}
        ) from exc
    return organisation, invitation


@transaction.atomic
def subcontract_create(
    *,
    actor,
    actor_membership: Membership,
    contract: Contract,
    subcontractor: Organisation | None = None,
    parent: Subcontract | None = None,
    subcontractor_name: str = "",
    manager_name: str = "",
    manager_email: str = "",
    **fields,
) -> Subcontract:
    """Draft an application to entrust part of the work (below `parent`) to `subcontractor`, to
    the candidate of that exact `subcontractor_name`, or to a new organisation of that name whose
    manager is invited by e-mail (core's invitation: the organisation is created now and its
    manager joins it on accepting)."""
    if parent is not None:
        parent = Subcontract.objects.select_for_update().get(pk=parent.pk)
        if parent.contract_id != contract.pk:
            raise PermissionDenied
    if not permissions.can_apply_subcontract(actor, actor_membership, contract, parent):
        raise PermissionDenied
    if contract.status in FINISHED_STATUSES:
        raise ValidationError(_("The contract has ended."))
    values = _values(fields)
    errors = _clean(contract, values, parent)
    subcontractor, invitation = _subcontractor(
        actor=actor,
        actor_membership=actor_membership,
        contract=contract,
        parent=parent,
        subcontractor=subcontractor,
        name=subcontractor_name,
        manager_name=manager_name,
        manager_email=manager_email,
        errors=errors,
    )
    if subcontractor is not None:
        _after_earlier_end(contract, subcontractor.pk, values.get("start_date"), errors)
    if errors or subcontractor is None:
        raise ValidationError(errors)
    link = Subcontract(
        contract=contract,
        parent=parent,
        upstream_id=parent.subcontractor_id if parent else contract.contractor_id,
        subcontractor=subcontractor,
        depth=parent.depth + 1 if parent else 1,
        created_by=actor,
        **values,
    )
    link.full_clean(exclude=["path"])
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:  # two managers applying for the same organisation at once
        raise ValidationError(
            {"subcontractor": _("This organisation already has a subcontract on this contract.")}
        ) from exc
    link.path = f"{parent.path if parent else '/'}{link.pk}/"
    link.save(update_fields=["path"])
    record_event(
        kind=events.SUBCONTRACT_DRAFTED,
        actor=actor,
        obj=link,
        contract_id=contract.pk,
        data={
            "subcontractor": subcontractor.pk,
            "depth": link.depth,
            "parent": parent.pk if parent else None,
            # The duties this application opens count from its own start, not the contract's.
            "work_start": link.start_date.isoformat(),
            # A new organisation, invited with this application (invitation.created says to whom).
            **({"invitation": invitation.pk} if invitation is not None else {}),
        },
    )
    return link


@transaction.atomic
def subcontract_update(
    *, actor, actor_membership: Membership, subcontract: Subcontract, **fields
) -> Subcontract:
    link = Subcontract.objects.select_for_update().select_related("contract").get(pk=subcontract.pk)
    if not permissions.can_edit_subcontract(actor, actor_membership, link):
        raise PermissionDenied
    if link.approval_state not in EDITABLE:
        raise ValidationError(_("This application was submitted: withdraw it first."))
    values = _values(fields)
    errors = _clean(link.contract, values, link.parent)
    _after_earlier_end(link.contract, link.subcontractor_id, values.get("start_date"), errors)
    if errors:
        raise ValidationError(errors)
    changed = [name for name in FIELDS if getattr(link, name) != values[name]]
    for name in changed:
        setattr(link, name, values[name])
    link.full_clean()
    link.save(update_fields=changed or None)
    record_event(
        kind=events.SUBCONTRACT_UPDATED,
        actor=actor,
        obj=link,
        contract_id=link.contract_id,
        data={"fields": changed, "work_start": link.start_date.isoformat()},
    )
    return link


def _submission_checks(link: Subcontract) -> None:
    errors = {}
    # An application drafted before the extent was asked is completed before it is submitted.
    if not link.extent:
        errors["extent"] = _("Say how much of the work is subcontracted: edit the application first.")
    elif refusal := extent_refusal(link.contract, link.extent):
        errors["extent"] = refusal
    if link.handles_personal_info and not link.precheck_confirmed:
        errors["precheck_confirmed"] = _(
            "Confirm that you checked the subcontractor's security measures before signing (required when "
            "personal information is handled)."
        )
    if not link.equivalent_terms:
        errors["equivalent_terms"] = _(
            "Confirm that the subcontract carries terms equivalent to these clauses."
        )
    if link.parent_id and link.parent.approval_state != ApprovalState.APPROVED:
        errors["parent"] = _("The upstream subcontract is not approved.")
    elif link.parent_id and link.parent.ended_on is not None:
        errors["parent"] = _("The upstream subcontract has ended.")
    if errors:
        raise ValidationError(errors)


def _notify_upstream(link: Subcontract, actor) -> list[int]:
    """Tell every party above a re-subcontract that it was applied for (001 §15.3(3))."""
    chain = list(Subcontract.objects.filter(pk__in=link.chain_ids).values_list("upstream_id", flat=True))
    parties = sorted({link.contract.contractor_id, *chain} - {link.upstream_id})
    title = _("Re-subcontract applied for: %(org)s under %(upstream)s (%(number)s)") % {
        "org": link.subcontractor.name,
        "upstream": link.upstream.name,
        "number": link.contract.number,
    }
    for user in organisation_people(parties, Role.CONTRACTOR_ADMIN):
        notification_create(
            user=user, title=title, body=link.scope, url=reverse("contracts:subcontract", args=[link.pk])
        )
    return parties


@transaction.atomic
def subcontract_act(
    *, actor, actor_membership: Membership | None, subcontract: Subcontract, action: str, reason: str = ""
) -> Subcontract:
    """Submit, withdraw, approve, return or reject an application (the shared workflow)."""
    link = Subcontract.objects.select_related("contract", "parent", "upstream", "subcontractor").get(
        pk=subcontract.pk
    )
    if action == ApprovalAction.SUBMIT:
        _submission_checks(link)
    if (
        action == ApprovalAction.APPROVE
        and link.parent_id
        and link.parent.approval_state != ApprovalState.APPROVED
    ):
        raise ValidationError(_("Approve the upstream subcontract first."))
    if action == ApprovalAction.APPROVE and link.parent_id and link.parent.ended_on is not None:
        raise ValidationError(_("The upstream subcontract has ended."))
    if action == ApprovalAction.APPROVE and (refusal := extent_refusal(link.contract, link.extent)):
        raise ValidationError(refusal)
    link = approval_transition(
        actor=actor, obj=link, action=action, policy=policy(actor_membership), reason=reason
    )
    if action != ApprovalAction.SUBMIT:
        return link
    first = not Event.objects.filter(
        kind=events.SUBCONTRACT_APPLIED, object_type="contracts.subcontract", object_id=str(link.pk)
    ).exists()
    if first:
        record_event(
            kind=events.SUBCONTRACT_APPLIED,
            actor=actor,
            obj=link,
            contract_id=link.contract_id,
            data={"depth": link.depth, "work_start": link.start_date.isoformat()},
        )
    if link.precheck_confirmed:
        record_event(
            kind=events.SUBCONTRACT_PRECHECK_SUBMITTED, actor=actor, obj=link, contract_id=link.contract_id
        )
    if link.depth > 1:
        parties = _notify_upstream(link, actor)
        record_event(
            kind=events.SUBCONTRACT_UPSTREAM_NOTIFIED,
            actor=actor,
            obj=link,
            contract_id=link.contract_id,
            data={"notified": parties},
        )
    return link
