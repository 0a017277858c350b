"""The duty engine: applies events to duties (open, fulfil, roll forward), synchronously.

It is registered with core.audit.subscribe, so every event recorded by any service reaches it
inside that service's transaction. Domain apps never call it (design.md, dependency direction).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from clauses import api as clauses_api
from clauses.events import CLAUSE_TEMPLATE_LOADED
from clauses.models import ClauseTemplate, Obligation
from compliance import events
from compliance.deadlines import CONTRACT_END_RULES, WORK_START_RULES, add_interval, due_date, first_cycle_due
from compliance.models import Adoption, Duty
from contracts.models import Contract
from core.audit import event_kind_label
from core.business_days import calendar_for
from core.models import Event
from core.wareki import format_wareki

CREATED = "contract.created"
ACTIVATED = "contract.activated"
WORK_STARTED = "contract.work_started"
ENDED = "contract.ended"
CLOSED = "contract.closed"
REQUESTED = events.DUTY_REQUESTED
ON_ACTIVATION = ("contract_signed", "work_start", "periodic", "standing")
# An event-opened duty of each subject that recurs (every subcontract's yearly check, 004 §9.4).
_CYCLIC_EVENT = Q(obligation__trigger="event") & (
    Q(obligation__every_months__isnull=False) | Q(obligation__every_days__isnull=False)
)


def _cyclic_per_subject(ob: Obligation) -> bool:
    return ob.trigger == "event" and bool(ob.every_months or ob.every_days)


@dataclass
class ObligationIndex:
    """What a template version does with each event kind; built once per process."""

    opens: dict[str, list[Obligation]] = field(default_factory=lambda: defaultdict(list))
    fulfils: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    on_activation: list[Obligation] = field(default_factory=list)
    on_end: list[Obligation] = field(default_factory=list)
    on_created: list[Obligation] = field(default_factory=list)  # the public body's procurement steps
    by_key: dict[str, Obligation] = field(default_factory=dict)
    by_id: dict[int, Obligation] = field(default_factory=dict)


@lru_cache(maxsize=128)
def obligation_index(template_pk: int) -> ObligationIndex:
    # Safe to cache: a loaded template version never changes (a revision is a new row).
    index = ObligationIndex()
    for ob in Obligation.objects.filter(template_id=template_pk).order_by("position"):
        index.by_key[ob.key] = ob
        index.by_id[ob.pk] = ob
        if ob.trigger in ON_ACTIVATION:
            index.on_activation.append(ob)
        elif ob.trigger == "contract_end":
            index.on_end.append(ob)
        elif ob.trigger == "procurement":
            index.on_created.append(ob)
        for kind in ob.opens_on:
            index.opens[kind].append(ob)
        for kind in ob.fulfilled_by:
            index.fulfils[kind].append(ob.pk)
    return index


@lru_cache(maxsize=1)
def named_kinds() -> frozenset[str]:
    """The event kinds the engine acts on: its own and those the loaded templates name.

    Any kind an app declares may be named (the validator accepts exactly those), but most events
    (views, exports, logins, withdrawals) open and fulfil nothing: skipping them here spares
    every such event the contract and adoption queries. One query per process; a template load
    in this process clears it (handle_event), and loading is a deploy step (the clause_library
    command), after which the web and worker processes restart.
    """
    kinds = {CREATED, ACTIVATED, WORK_STARTED, ENDED, REQUESTED}
    for opens_on, fulfilled_by in Obligation.objects.values_list("opens_on", "fulfilled_by"):
        kinds.update(opens_on)
        kinds.update(fulfilled_by)
    return frozenset(kinds)


def clear_caches() -> None:
    obligation_index.cache_clear()
    named_kinds.cache_clear()


def _applies(ob: Obligation, contract: Contract, *, on: date, subject: str = "") -> bool:
    """Whether the obligation's facts (applies_if) hold, as the app holding the records answers
    them (clauses.api.fact_holds): the engine reads no domain table for a condition itself."""
    return all(clauses_api.fact_holds(contract, fact, on=on, subject=subject) for fact in ob.applies_if)


def _facts_changed_by(kind: str) -> frozenset[str]:
    return clauses_api.facts_changed_by(kind)


def event_date(event: Event) -> date:
    """The day the event counts from, in Japan (a service may date it explicitly)."""
    explicit = event.data.get("effective_date") if isinstance(event.data, dict) else None
    if explicit:
        return date.fromisoformat(explicit)
    return timezone.localdate(event.occurred_at)


def event_anchor(event: Event | None) -> date | None:
    """The work start an event carries for the duties it opens (a subcontract's own start), or
    None: such duties count the work-start rules from it instead of the contract's."""
    if event is None or not isinstance(event.data, dict):
        return None
    value = event.data.get("anchor_date") or event.data.get("work_start")
    return date.fromisoformat(value) if value else None


def event_due(event: Event) -> date | None:
    """The due date an event sets for the duty it opens (data["due_date"], the rule
    event_due_date: a finding's day to correct it by), or None."""
    value = event.data.get("due_date") if isinstance(event.data, dict) else None
    return date.fromisoformat(value) if value else None


def event_subject(event: Event) -> str:
    subject = event.data.get("subject") if isinstance(event.data, dict) else None
    if subject:
        return str(subject)
    return f"{event.object_type}:{event.object_id}" if event.object_type else ""


def event_subjects(event: Event) -> frozenset[str]:
    """Every subject the event is evidence for: the people a training session names
    (data["subjects"]), else its one subject. A session is evidence for each person who attended
    it and for no one else, so a per-person duty is met only by a record naming that person."""
    listed = event.data.get("subjects") if isinstance(event.data, dict) else None
    if isinstance(listed, list):
        return frozenset(str(s) for s in listed if s)
    subject = event_subject(event)
    return frozenset({subject}) if subject else frozenset()


def recorded_work_start(contract: Contract, *, before: int | None = None) -> date:
    """The work start last recorded for the contract (before event `before`), else the planned one."""
    events_ = Event.objects.filter(contract_id=contract.pk, kind=WORK_STARTED)
    if before is not None:
        events_ = events_.filter(pk__lt=before)
    last = events_.order_by("-pk").first()
    return event_date(last) if last is not None else contract.work_start_date


class _Applier:
    def __init__(self, event: Event, contract: Contract):
        self.event = event
        self.contract = contract
        self.day = event_date(event)
        self.cal = calendar_for(contract.public_body)
        self.now = timezone.now()
        # The end the contract-end rules count from: the planned one, or the real one when the
        # contract ends earlier.
        self.end = contract.end_date
        if event.kind == ENDED and self.day < contract.end_date:
            self.end = self.day
        self._work_start: date | None = None

    def work_start(self) -> date:
        """The work start the contract's work-start rules count from: the one recorded
        (contract.work_started, this event or the latest before it), else the planned one."""
        if self._work_start is None:
            if self.event.kind == WORK_STARTED:
                self._work_start = self.day
            else:
                self._work_start = recorded_work_start(self.contract, before=self.event.pk)
        return self._work_start

    def due(
        self,
        ob: Obligation,
        trigger_day: date,
        *,
        work_start: date | None = None,
        contract_end: date | None = None,
    ) -> date | None:
        end = contract_end or self.end
        if ob.trigger == "periodic":
            return first_cycle_due(
                start=self.contract.start_date, end=end, months=ob.every_months, days=ob.every_days
            )
        if _cyclic_per_subject(ob):
            # Each subject's own cycle (a subcontractor's yearly check, 004 §9.4), counted from
            # that subject's start (the event's anchor), else the event's day; inside the contract.
            return first_cycle_due(
                start=work_start or trigger_day, end=end, months=ob.every_months, days=ob.every_days
            )
        if ob.trigger == "contract_end":
            # Counted from the (planned, or the real earlier) end, whatever event opened it.
            trigger_day = end
        return due_date(
            rule=ob.deadline_rule,
            days=ob.deadline_days,
            fixed=ob.deadline_date,
            trigger_date=trigger_day,
            work_start=work_start
            or (self.work_start() if ob.deadline_rule in WORK_START_RULES else self.contract.work_start_date),
            contract_end=end,
            cal=self.cal,
            contract_start=self.contract.start_date,
            event_due=event_due(self.event),
        )

    def open(self, ob: Obligation, *, subject: str = "", once: bool = False) -> Duty | None:
        if not _applies(ob, self.contract, on=self.day, subject=subject):
            return None
        existing = Duty.objects.filter(contract=self.contract, obligation=ob, subject=subject)
        if existing.filter(state=Duty.State.OPEN).exists():
            return None  # already waiting for evidence: the same duty covers this event too
        if once and existing.exists():
            return None  # opened at activation and already met: the end does not open it again
        cycle = (existing.aggregate(m=Max("cycle"))["m"] or 0) + 1
        duty = Duty(
            contract=self.contract,
            obligation=ob,
            subject=subject,
            cycle=cycle,
            due_date=self.due(
                ob, self.day, work_start=event_anchor(self.event) if ob.trigger == "event" else None
            ),
            opened_at=self.now,
            opened_by_event=self.event,
        )
        evidence = self.prior_evidence(ob, subject) if cycle == 1 else None
        if evidence is not None:
            # The evidence came first (a pledge signed before the person was submitted): met on time.
            duty.state, duty.closed_at, duty.evidence_event = Duty.State.FULFILLED, self.now, evidence
            duty.on_time = True
        duty.save()
        return duty

    def prior_evidence(self, ob: Obligation, subject: str) -> Event | None:
        """An event already on record that meets a per-subject duty (only those: a general duty
        must not be met by evidence that predates it)."""
        if not subject or not ob.fulfilled_by:
            return None
        object_type, _, object_id = subject.partition(":")
        evidence = (
            Event.objects.filter(contract_id=self.contract.pk, kind__in=ob.fulfilled_by)
            .filter(
                Q(data__subject=subject)
                | Q(data__subjects__contains=[subject])
                | Q(object_type=object_type, object_id=object_id)
            )
            # The event being applied is not "prior": when it both opens and meets a duty (a person
            # put on a submitted roster), fulfil() meets it, checking its conditions and its date.
            .exclude(pk=self.event.pk)
            .order_by("id")
            .first()
        )
        conditions = ob.evidence_conditions
        if evidence is not None and conditions:
            met = clauses_api.conditions_met(self.contract, conditions, event=evidence)
            return evidence if met else None
        return evidence

    def fulfil(self, obligation_ids: list[int], index_by_id: dict[int, Obligation]) -> None:
        duties = Duty.objects.filter(
            contract=self.contract, obligation_id__in=obligation_ids, state=Duty.State.OPEN
        ).order_by("due_date", "pk")
        named_key = self.event.data.get("obligation") if isinstance(self.event.data, dict) else None
        # The party whose evidence it is, where the event says so (an inspection of one party's
        # part, its ledger submission): the engine has no duties per tier, so a contract-wide
        # duty of the contractor's is met by the contractor's own, never by a subcontractor's
        # (000 §5.6(6), 002 §10(2): the contractor inspects; a subcontractor's is recorded).
        party = self.event.data.get("organisation") if isinstance(self.event.data, dict) else None
        foreign = party is not None and party != self.contract.contractor_id
        subjects = event_subjects(self.event)
        for duty in duties:
            ob = index_by_id[duty.obligation_id]
            if named_key and ob.key != named_key:
                continue
            if duty.subject and duty.subject not in subjects:
                continue
            if foreign and not duty.subject and ob.actor == "contractor":
                continue
            # Evidence that does not show what the clause asks (a roster without its 管理責任者)
            # leaves the duty open; its page says what is missing (clauses.api.unmet_conditions).
            if ob.evidence_conditions and not clauses_api.conditions_met(
                self.contract, ob.evidence_conditions, event=self.event
            ):
                continue
            duty.state = Duty.State.FULFILLED
            duty.closed_at = self.now
            duty.evidence_event = self.event
            duty.on_time = duty.due_date is None or self.day <= duty.due_date
            duty.save(update_fields=["state", "closed_at", "evidence_event", "on_time"])
            self.roll_forward(ob, duty)

    def end_subjects(self, subjects: list[str]) -> None:
        """The subjects the event ends (people a roster change in force takes off the roster, a
        device returned or disposed of): their open duties no longer apply — a person who left is
        not trained any more — and close as not needed, with the day and the event; never as met.
        A duty that outlives its subject (confidentiality after leaving, survives_contract) stays
        open, and so does one that this very event opened."""
        self._waive(subjects=subjects)

    def end_contract(self) -> None:
        """The contract is closed (everything returned or disposed of, its data key destroyed):
        what it still owed closes as not needed, with the day and the event; a duty that
        outlives the contract (survives_contract) stays open."""
        self._waive(subjects=None)

    def _waive(self, *, subjects: list[str] | None) -> None:
        duties = (
            Duty.objects.filter(contract=self.contract, state=Duty.State.OPEN)
            .exclude(obligation__survives_contract=True)
            .exclude(opened_by_event=self.event)
        )
        if subjects is not None:
            duties = duties.filter(subject__in=subjects)
        with override(settings.LANGUAGE_CODE):  # kept as a record, in the portal's language
            reason = _("No longer needed from %(day)s: %(what)s.") % {
                "day": format_wareki(self.day),
                "what": event_kind_label(self.event.kind),
            }
        duties.update(state=Duty.State.WAIVED, closed_at=self.now, waived_reason=reason, on_time=None)

    def redate(self, rules: frozenset[str], triggers: tuple[str, ...], **anchors: date) -> None:
        """Re-date the open duties counted from a date that has now really happened (the work
        start recorded, an early end). Duties anchored on their own event's start (a
        subcontract's) keep their date: that start did not move."""
        duties = (
            Duty.objects.filter(contract=self.contract, state=Duty.State.OPEN)
            .filter(
                Q(obligation__deadline_rule__in=rules)
                | Q(obligation__trigger__in=triggers)
                # A subject's own cycles end with the contract as the contract's cycles do.
                | (_CYCLIC_EVENT if "periodic" in triggers else Q(pk__in=()))
            )
            .select_related("obligation", "opened_by_event")
        )
        for duty in duties:
            ob = duty.obligation
            if ob.trigger == "periodic" or _cyclic_per_subject(ob):
                # A cycle due after an early end falls due at the end: nothing is due after it.
                early = self.end < self.contract.end_date and not ob.survives_contract
                if early and duty.due_date and duty.due_date > self.end:
                    duty.due_date = self.end
                    duty.save(update_fields=["due_date"])
                continue
            if ob.deadline_rule in WORK_START_RULES and event_anchor(duty.opened_by_event) is not None:
                continue
            opened_on = event_date(duty.opened_by_event) if duty.opened_by_event else self.day
            new_due = self.due(ob, opened_on, **anchors)
            if new_due != duty.due_date:
                duty.due_date = new_due
                duty.save(update_fields=["due_date"])

    def reanchor(self, subject: str, anchor: date) -> None:
        """Re-date the open duties of `subject` counted from its own start when an event says
        that start now (a subcontract's start changed after its application was drafted)."""
        if not subject:
            return
        duties = (
            Duty.objects.filter(
                contract=self.contract,
                subject=subject,
                state=Duty.State.OPEN,
                obligation__trigger="event",
            )
            .filter(
                # Counted from the subject's start: its work-start rules, and its own first cycle.
                Q(obligation__deadline_rule__in=WORK_START_RULES) | (_CYCLIC_EVENT & Q(cycle=1)),
            )
            .select_related("obligation", "opened_by_event")
        )
        for duty in duties:
            opened_on = event_date(duty.opened_by_event) if duty.opened_by_event else self.day
            new_due = self.due(duty.obligation, opened_on, work_start=anchor)
            if new_due != duty.due_date:
                duty.due_date = new_due
                duty.save(update_fields=["due_date"])

    def roll_forward(self, ob: Obligation, duty: Duty) -> None:
        if not (ob.every_months or ob.every_days) or ob.trigger not in ("periodic", "standing", "event"):
            return
        base = duty.due_date or self.day
        nxt = add_interval(base, months=ob.every_months, days=ob.every_days)
        if nxt > self.contract.end_date and not ob.survives_contract:
            if ob.trigger == "standing" or base >= self.contract.end_date:
                return
            # The contract's last period still has its cycle (the fourth quarterly report of a
            # one-year contract), due at the end rather than after the contract has ended.
            nxt = self.contract.end_date
        Duty.objects.create(
            contract=self.contract,
            obligation=ob,
            subject=duty.subject,
            cycle=duty.cycle + 1,
            due_date=nxt,
            opened_at=self.now,
            opened_by_event=self.event,
        )


def _additional_ids(event: Event) -> list[int]:
    """The further templates a draft adopts beside its clauses (the public body's own rules), as
    contract_create recorded them: non-statutory ones only, whatever the event carries."""
    listed = event.data.get("additional_templates") if isinstance(event.data, dict) else None
    pks = [pk for pk in listed or () if isinstance(pk, int)]
    return list(ClauseTemplate.objects.filter(pk__in=pks, statutory=False).values_list("pk", flat=True))


def _adopted_templates(contract: Contract, event: Event) -> list[int]:
    """The template versions the event applies to. A draft adopts its clauses and the further
    templates chosen with it when created (their procurement steps open then); activation adds
    the statutory ones, the latest loaded, and keeps what the draft adopted."""
    wanted: list[int] = []
    if event.kind == CREATED:
        wanted = [contract.clause_template_id, *_additional_ids(event)]
    elif event.kind == ACTIVATED:
        wanted = [contract.clause_template_id]
        if contract.handles_personal_info:
            wanted += _latest_statutory_ids()
    if wanted:
        Adoption.objects.bulk_create(
            [Adoption(contract=contract, template_id=t) for t in wanted], ignore_conflicts=True
        )
    return list(
        Adoption.objects.filter(contract=contract).values_list("template_id", flat=True).order_by("pk")
    )


def _latest_statutory_ids() -> list[int]:
    latest: dict[str, int] = {}
    for pk, template_id in (
        ClauseTemplate.objects.filter(statutory=True)
        .order_by("loaded_at", "pk")
        .values_list("pk", "template_id")
    ):
        latest[template_id] = pk
    return list(latest.values())


def handle_event(event: Event) -> None:
    if event.kind == CLAUSE_TEMPLATE_LOADED:
        named_kinds.cache_clear()  # the new version may name kinds no earlier one did
    anchor = event_anchor(event)
    facts_changed = _facts_changed_by(event.kind)
    # An event that carries its own start (a subcontract drafted, changed, applied for) matters
    # even when no template names its kind: it moves the duties counted from that start. So does
    # one that may make a fact of applies_if true (a dispatch worker's roster in force).
    ends = isinstance(event.data, dict) and bool(event.data.get("ended_subjects"))
    if event.contract_id is None or (
        event.kind != CLOSED
        and event.kind not in named_kinds()
        and anchor is None
        and not facts_changed
        and not ends
    ):
        return
    contract = Contract.objects.select_related("public_body").filter(pk=event.contract_id).first()
    if contract is None:
        return
    applier = _Applier(event, contract)
    if event.kind == WORK_STARTED and applier.day != recorded_work_start(contract, before=event.pk):
        applier.redate(WORK_START_RULES, ("work_start",), work_start=applier.day)
    if event.kind == ENDED and applier.day < contract.end_date:
        applier.redate(CONTRACT_END_RULES, ("contract_end", "periodic"))
    if anchor is not None and event.kind != WORK_STARTED:
        applier.reanchor(event_subject(event), anchor)
    for template_pk in _adopted_templates(contract, event):
        index = obligation_index(template_pk)
        if event.kind == CREATED:
            # The public body's steps while the contract is prepared, dated from its planned
            # dates; activation does not open them again (they are not on_activation).
            for ob in index.on_created:
                applier.open(ob)
        elif event.kind == ACTIVATED:
            # End-of-contract duties exist from the start, dated from the planned end, so that
            # calendars and reminders show them months ahead.
            for ob in [*index.on_activation, *index.on_end]:
                applier.open(ob)
        elif event.kind == ENDED:
            # A contract activated before the end duties opened at activation gets them now.
            for ob in index.on_end:
                applier.open(ob, once=True)
        elif event.kind == REQUESTED:
            ob = index.by_key.get(event.data.get("obligation", ""))
            if ob is not None and ob.trigger == "on_request":
                # A request of something asked of each person (pledges, 002 §7.3) names the people
                # it concerns: one duty each, met by that person's own evidence.
                named = (event.data.get("subjects") or [""]) if ob.per_subject else [""]
                for subject in named:
                    applier.open(ob, subject=subject)
        if facts_changed and contract.status == Contract.Status.ACTIVE:
            # A fact became true after activation (a dispatch worker joined, the contractor now
            # connects to the public body's network): the contract-wide duties that depend on it
            # open now, once; open() asks whether their facts hold.
            for ob in [*index.on_activation, *index.on_end]:
                if facts_changed.intersection(ob.applies_if):
                    applier.open(ob, once=True)
        for ob in index.opens.get(event.kind, ()):
            applier.open(ob, subject=event_subject(event) if ob.per_subject else "")
        if event.kind in index.fulfils:
            applier.fulfil(index.fulfils[event.kind], index.by_id)
    if event.kind == CLOSED:
        applier.end_contract()
    ended = event.data.get("ended_subjects") if isinstance(event.data, dict) else None
    if ended:
        applier.end_subjects([str(s) for s in ended])
