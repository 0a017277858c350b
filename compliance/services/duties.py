from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import events, permissions
from compliance.models import Attestation, AttestationEvidence, Duty
from compliance.selectors import requestable_obligations
from contracts.selectors.roster import roster_in_force
from core.audit import record_event
from core.files import store_upload
from core.validators import NOTE, STATEMENT, check_input


def _locked(duty: Duty) -> Duty:
    return Duty.objects.select_for_update().select_related("obligation", "contract").get(pk=duty.pk)


@transaction.atomic
def duty_waive(*, actor, actor_membership, duty: Duty, reason: str) -> Duty:
    duty = _locked(duty)
    if not permissions.can_waive_duty(actor, actor_membership, duty.contract):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for waiving this duty.")})
    check_input(texts={"reason": (reason.strip(), NOTE)})
    if duty.state != Duty.State.OPEN:
        raise ValidationError(_("Only an open duty can be waived."))
    duty.state = Duty.State.WAIVED
    duty.waived_by = actor
    duty.waived_reason = reason.strip()
    duty.closed_at = timezone.now()
    duty.save(update_fields=["state", "waived_by", "waived_reason", "closed_at"])
    record_event(
        kind=events.DUTY_WAIVED,
        actor=actor,
        obj=duty,
        contract_id=duty.contract_id,
        data={"obligation": duty.obligation.key, "reason": duty.waived_reason},
    )
    return duty


# How many evidence files one confirmation may carry: a few scans or photos of the measure (a
# cabinet, a notice, a rule book's page), not an archive; each is bounded by core.files' size limit.
MAX_EVIDENCE_FILES = 5
EVIDENCE_PURPOSE = "attestation"


@transaction.atomic
def duty_attest(
    *,
    actor,
    actor_membership,
    duty: Duty,
    statement: str = "",
    evidence: Sequence[UploadedFile] = (),
) -> Attestation:
    """The contractor confirms a standing measure, optionally with a comment and evidence files;
    the duty engine fulfils the duty from the `attestation.confirmed` event, which records the
    comment and the files' SHA-256 (never their names: events outlive the data key)."""
    duty = _locked(duty)
    if not permissions.can_attest_duty(actor, actor_membership, duty):
        raise PermissionDenied
    if duty.state != Duty.State.OPEN or events.ATTESTATION_CONFIRMED not in duty.obligation.fulfilled_by:
        raise ValidationError(_("This duty is not met by an attestation."))
    # The statement goes into the permanent event: bounded, never whatever a request carried.
    statement = statement.strip()
    check_input(texts={"statement": (statement, STATEMENT)})
    evidence = list(evidence)
    if len(evidence) > MAX_EVIDENCE_FILES:
        raise ValidationError(
            {"evidence": _("Attach at most %(limit)d files.") % {"limit": MAX_EVIDENCE_FILES}}
        )
    stored = []
    for uploaded in evidence:
        try:
            stored.append(
                store_upload(
                    actor=actor,
                    uploaded=uploaded,
                    data_key=duty.contract.data_key,
                    purpose=EVIDENCE_PURPOSE,
                    contract_id=duty.contract_id,
                )
            )
        except ValidationError as exc:
            # Said at the file field, naming the file (the checks speak of "the file").
            raise ValidationError(
                {"evidence": [f"{PurePath(uploaded.name or '').name}: {m}" for m in exc.messages]}
            ) from exc
    event = record_event(
        kind=events.ATTESTATION_CONFIRMED,
        actor=actor,
        obj=duty,
        contract_id=duty.contract_id,
        data={
            "obligation": duty.obligation.key,
            "subject": duty.subject,
            "statement": statement,
            "files": [f.sha256 for f in stored],
        },
    )
    attestation = Attestation(duty=duty, statement=statement, attested_by=actor, event=event)
    attestation.full_clean()
    attestation.save()
    AttestationEvidence.objects.bulk_create(
        [AttestationEvidence(attestation=attestation, file=f) for f in stored]
    )
    return attestation


def _requested_subjects(contract, people: Iterable[int], everyone: bool) -> list[str]:
    """The people a per-person request concerns, as references: everyone on the roster now, or
    those named, each of whom must be on it."""
    on_roster = set(roster_in_force(contract).values_list("person_id", flat=True))
    chosen = on_roster if everyone else {int(pk) for pk in people}
    if not chosen:
        if everyone:
            raise ValidationError({"people": _("No one is on the roster yet.")})
        raise ValidationError({"people": _("Choose the people this request concerns, or everyone.")})
    if chosen - on_roster:
        raise ValidationError({"people": _("Choose people on this contract's roster.")})
    return [f"contracts.person:{pk}" for pk in sorted(chosen)]


@transaction.atomic
def duty_request(
    *,
    actor,
    actor_membership,
    contract,
    obligation_key: str,
    note: str = "",
    people: Iterable[int] = (),
    everyone: bool = False,
) -> None:
    """The public body asks for something the clauses let it ask for (a report, the ledger, pledges).

    What the clauses ask of each person (pledges, 002 §7.3) is asked of people: those named, or
    everyone on the roster. The request names them (references, never names), and the duty
    engine opens one duty for each, met only by that person's own evidence."""
    if not permissions.can_request_duty(actor, actor_membership, contract):
        raise PermissionDenied
    check_input(texts={"note": (note.strip(), NOTE)})
    ob = requestable_obligations(contract).filter(key=obligation_key).first()
    if ob is None:
        raise ValidationError({"obligation": _("The clauses of this contract have no such request.")})
    data = {"obligation": obligation_key, "note": note.strip()}
    if ob.per_subject:
        data["subjects"] = _requested_subjects(contract, people, everyone)
        data["everyone"] = everyone
    record_event(kind=events.DUTY_REQUESTED, actor=actor, obj=contract, contract_id=contract.pk, data=data)
