"""The compliance panels: on each role's home page, and on the contract's pages (in contracts).

Both are core.panels registries filled from ComplianceConfig.ready() (register()), so neither
core nor contracts imports compliance.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clauses.api import party_words
from clauses.kinds import KINDS
from clauses.models import Article, Obligation
from compliance import permissions, selectors
from compliance.forms import RequestForm
from compliance.models import Duty
from contracts.models import FINISHED_STATUSES, Contract
from contracts.selectors.contracts import contracts_visible_to
from core.approvables import pending_for, returned_to
from core.audit import event_kind_label
from core.models import Role
from core.panels import ColumnSet
from core.wareki import format_wareki, format_wareki_datetime

CLIENT = {Role.CLIENT_ADMIN, Role.CLIENT_STAFF}
CONTRACTOR = {Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF}


def my_contracts(request) -> dict:
    contracts = contracts_visible_to(request.user, request.membership).exclude(status__in=FINISHED_STATUSES)[
        :20
    ]
    counts = selectors.status_by_contract([c.pk for c in contracts])
    return {"rows": [(c, counts.get(c.pk, selectors.Status())) for c in contracts]}


def due_items(request) -> dict:
    contracts = contracts_visible_to(request.user, request.membership).filter(status=Contract.Status.ACTIVE)
    actor = "contractor" if request.membership.is_contractor_side else None
    duties = list(selectors.open_duties_for(contracts, actor=actor).filter(due_date__isnull=False)[:15])
    today = selectors.today()
    for duty in duties:
        duty.status = selectors.duty_status(duty, today)
    return {"duties": duties}


def overview(request) -> dict:
    contracts = contracts_visible_to(request.user, request.membership).filter(status=Contract.Status.ACTIVE)
    return {
        "total": selectors.status_total(contracts),
        "overdue": list(selectors.overdue_duties(contracts)[:20]),
    }


# --- what compliance shows on the contract's pages (core.panels slots) ---------------------------


def contract_list_columns(request, contracts: list) -> ColumnSet:
    """Overdue, due soon and fulfilled per contract of the list's page (one query)."""
    return ColumnSet(
        head="compliance/contract/list_head.html",
        cell="compliance/contract/list_cell.html",
        cells={pk: {"st": st} for pk, st in selectors.status_by_contract([c.pk for c in contracts]).items()},
        empty={"st": selectors.Status()},
    )


def contract_status_panel(request, contract) -> tuple[str, dict]:
    status = selectors.status_by_contract([contract.pk]).get(contract.pk, selectors.Status())
    return "compliance/contract/status.html", {"status": status}


# --- the contract's page: what needs action, then the clauses article by article ------------------

# How many of each kind of action item the top of the page lists; the rest are one filter away.
ACTION_LIMIT = 20

STATUS_LABELS = {
    "overdue": gettext_lazy("Overdue"),
    "due_soon": gettext_lazy("Due soon"),
    "upcoming": gettext_lazy("Upcoming"),
    "standing": gettext_lazy("Standing (no due date)"),
    "fulfilled": gettext_lazy("Fulfilled"),
    "waived": gettext_lazy("Waived"),
}
STATUS_CLASSES = {
    "overdue": "pill pill--bad",
    "due_soon": "pill pill--warn",
    "upcoming": "pill",
    "standing": "pill",
    "fulfilled": "pill pill--ok",
    "waived": "pill pill--muted",
}
ATTESTATION = "attestation.confirmed"  # the event a measure's duty is met by: a "confirm" link
PROCUREMENT = "procurement"  # the trigger of the public body's steps while the contract is prepared
# The page's status filter: every status of a duty, and every open one whatever its date.
STATUS_FILTERS = {"open": gettext_lazy("Not yet met (all)"), **STATUS_LABELS}

# What a per-subject duty is about, in words and with the page that shows it (never its id).
SUBJECT_PAGES = {
    "contracts.person": "contracts:person_pledge",
    "contracts.subcontract": "contracts:subcontract",
    "contracts.worksitechange": "contracts:worksite_change",
}


@dataclass
class ObligationGroup:
    obligation: Obligation
    kind_label: str
    actor_word: str
    duties: list


@dataclass
class ArticleGroup:
    article: Article
    obligations: list[ObligationGroup] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    # Set on the first article of each template when the contract runs under more than one: the
    # page starts that template's part with its title.
    template_heading: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def needs_action(self) -> int:
        return self.counts["overdue"] + self.counts["due_soon"]


def _subject_labels(duties: list) -> None:
    """duty.subject_label / subject_url: the type of the thing in words ("従事者 2"), numbered
    within its obligation, and its page; no query (names of people stay on their own pages,
    where a view of personal data is recorded)."""
    type_labels: dict[str, str] = {}
    numbers: dict[tuple[int, str], dict[str, int]] = {}
    for duty in duties:
        duty.subject_label = duty.subject_url = ""
        if not duty.subject:
            continue
        object_type, _sep, object_id = duty.subject.partition(":")
        if object_type not in type_labels:
            try:
                type_labels[object_type] = str(apps.get_model(object_type)._meta.verbose_name)
            except (LookupError, ValueError):
                type_labels[object_type] = str(gettext_lazy("Record"))
        seen = numbers.setdefault((duty.obligation_id, object_type), {})
        number = seen.setdefault(object_id, len(seen) + 1)
        duty.subject_label = f"{type_labels[object_type]} {number}"
        page = SUBJECT_PAGES.get(object_type)
        if page and object_id.isdigit():
            duty.subject_url = reverse(page, args=[int(object_id)])
    cycle = _("(cycle %(n)s)")
    for duty in duties:
        label = (
            format_html('<a href="{}">{}</a>', duty.subject_url, duty.subject_label)
            if duty.subject_url
            else duty.subject_label
        )
        repeat = cycle % {"n": duty.cycle} if duty.cycle > 1 else ""
        duty.subject_html = format_html("{} {}", label, repeat) if label and repeat else label or repeat


def _filters(request, kinds: dict[str, str], *, ignore: bool = False) -> dict:
    """The status and kind chosen in the query string; a value not on offer is ignored and said
    so at its field (a stale bookmark or a typed URL is not an error page). The print view
    (ignore) lists everything."""
    chosen, errors = {}, {}
    for name, offered in (("status", STATUS_FILTERS), ("kind", kinds)):
        value = "" if ignore else request.GET.get(name, "")
        if value and value in offered:
            chosen[name] = value
        elif value:
            errors[name] = _("That choice is not on offer here, so the list is not filtered by it.")
    return {
        "status": chosen.get("status", ""),
        "kind": chosen.get("kind", ""),
        "errors": errors,
        "status_choices": list(STATUS_FILTERS.items()),
        "kind_choices": list(kinds.items()),
        "active": bool(chosen),
    }


def _matches(duty, status: str) -> bool:
    if not status:
        return True
    if status == "open":
        return duty.state == Duty.State.OPEN
    return duty.status == status


def _approval_items(request, contract) -> tuple[str, list[dict]]:
    """What waits on this contract for this person: the approvers' pending decisions (core's
    pending list, narrowed to the contract), or what was returned to the contractor's manager."""
    membership = request.membership
    if membership is None:
        return "", []
    if membership.role in CLIENT:
        return "pending", pending_for(request.user, membership, contract_id=contract.pk)
    if membership.role == Role.CONTRACTOR_ADMIN:
        return "returned", returned_to(request.user, membership, contract_id=contract.pk)
    return "", []


class _Urls:
    """The duty actions' URLs, reversed once per page: reverse() for every one of 500 rows was a
    tenth of the page's time. The pattern is reversed with a marker id that is then replaced."""

    MARK = 987654321

    def __init__(self, name: str):
        self.pattern = reverse(name, args=[self.MARK])

    def __call__(self, pk: int) -> str:
        return self.pattern.replace(str(self.MARK), str(pk))


def _present(duties: list, today, *, attest: frozenset[str], waive: bool) -> None:
    """What each row of the duty tables prints, worked out here rather than in the template: at
    500 duties the template's lookups and filters were most of the page's time."""
    labels = {status: str(label) for status, label in STATUS_LABELS.items()}
    urls = {
        "attest": _Urls("compliance:duty_attest"),
        "waive": _Urls("compliance:duty_waive"),
        "form": _Urls("compliance:duty_form_pdf"),
    }
    words = {"attest": _("Confirm it"), "waive": _("Waive"), "form": _("Form (PDF)")}
    for duty in duties:
        ob = duty.obligation
        duty.status = selectors.duty_status(duty, today)
        duty.status_label = labels[duty.status]
        duty.status_class = STATUS_CLASSES[duty.status]
        duty.due_text = format_wareki(duty.due_date, with_weekday=True) if duty.due_date else "—"
        event = duty.evidence_event
        if event is not None:
            actor = f"（{event.actor}）" if event.actor else ""
            duty.evidence_text = (
                f"{event_kind_label(event.kind)} {format_wareki_datetime(event.occurred_at)}{actor}"
            )
        elif duty.state == Duty.State.WAIVED:
            # Closed by the engine (the person left the roster) there is nobody who waived it.
            by = f"（{duty.waived_by}）" if duty.waived_by else ""
            duty.evidence_text = f"{duty.waived_reason}{by}"
        else:
            duty.evidence_text = ""
        actions = []
        if duty.state == Duty.State.OPEN:
            if ob.actor in attest and ATTESTATION in ob.fulfilled_by:
                actions.append((urls["attest"](duty.pk), words["attest"]))
            if waive:
                actions.append((urls["waive"](duty.pk), words["waive"]))
            if ob.form_id:
                actions.append((urls["form"](duty.pk), words["form"]))
        duty.actions_html = format_html_join(" ", '<a href="{}">{}</a>', actions)
        duty.late = duty.on_time is False


def _template_headings(groups: list[ArticleGroup], *, several: bool) -> None:
    """Mark the first article shown of each template with its title, when the contract runs
    under more than one."""
    if not several:
        return
    seen: set[int] = set()
    for g in groups:
        template = g.article.template
        if template.pk not in seen:
            seen.add(template.pk)
            g.template_heading = str(template)


def _actor_word(ob: Obligation, words) -> str:
    """Who the obligation binds, in its template's words (甲/乙); a subcontractor's in ours."""
    if ob.actor == "subcontractor":
        return _("subcontractor")
    return words.client if ob.actor == "client" else words.contractor


def subcontract_duties_panel(request, link) -> tuple[str, dict] | None:
    """The subcontract's page: the duties about this link (its return or disposal at its end, its
    yearly check), for everyone who reads the page — the upstream parties see what the link owes.
    Hidden while there are none. One query."""
    duties = list(selectors.duties_of_subject(link.contract_id, f"contracts.subcontract:{link.pk}"))
    if not duties:
        return None
    today = selectors.today()
    for duty in duties:
        duty.status = selectors.duty_status(duty, today)
    return "compliance/subcontract/duties.html", {"duties": duties}


def incident_duties_panel(request, contract_id: int, subjects: list[str]) -> tuple[str, dict] | None:
    """An incident's page: the duties about the incident and its APPI clock (the contractor's
    report duties, the public body's reports to the Commission), each with its due date and
    status. Hidden while there are none. One query."""
    duties = list(selectors.duties_of_subjects(contract_id, subjects))
    if not duties:
        return None
    today = selectors.today()
    for duty in duties:
        duty.status = selectors.duty_status(duty, today)
    return "compliance/incident/duties.html", {"duties": duties}


def contract_duties_panel(request, contract) -> tuple[str, dict]:
    """The contract's page below its facts: what needs action first (overdue, due within
    DUE_SOON_DAYS, approvals), then every article folded with its obligations and duties,
    filtered by status and kind. ?print=1 unfolds everything and ignores the filters."""
    today = selectors.today()
    printing = request.GET.get("print") == "1"
    obligations = list(selectors.obligations_of_contract(contract))
    by_pk = {ob.pk: ob for ob in obligations}
    articles = {a.pk: ArticleGroup(article=a) for a in selectors.articles_of_contract(contract)}
    # Each template speaks of the parties in its own words (甲/乙 in the clauses, 本市/受託者 in
    # the body's own rule): an obligation is labelled with its template's.
    words = {g.article.template_id: party_words(g.article.template) for g in articles.values()}
    duties = selectors.duties_of_contract(contract)
    by_obligation: dict[int, list] = {}
    for duty in duties:
        duty.obligation = by_pk[duty.obligation_id]  # read once for all, never once per duty
        by_obligation.setdefault(duty.obligation_id, []).append(duty)
    can_manage = permissions.can_waive_duty(request.user, request.membership, contract)
    is_contractor = permissions.can_act_as_contractor(request.user, request.membership, contract)
    # Each side confirms its own measures (permissions.can_attest_duty): the contractor its
    # duties, the public body's contract staff theirs, such as its procurement checklist.
    attest = frozenset(
        side
        for side, allowed in (
            ("contractor", is_contractor),
            ("client", can_manage and not request.user.is_superuser),
        )
        if allowed and not printing
    )
    _present(duties, today, attest=attest, waive=can_manage and not printing)
    _subject_labels(duties)
    kinds = {ob.kind: str(KINDS[ob.kind].label) for ob in obligations}
    filters = _filters(request, kinds, ignore=printing)
    action_duties = []
    checklist: list = []
    detail = _Urls("compliance:duty_detail")
    for ob in obligations:
        group = articles[ob.article_id]
        template_words = words[ob.template_id]
        actor_word = _actor_word(ob, template_words)
        own = by_obligation.get(ob.pk, [])
        for duty in own:
            group.counts[duty.status] += 1
            if ob.trigger == PROCUREMENT:
                duty.article, duty.actor_word, duty.detail_url = group.article, actor_word, detail(duty.pk)
                checklist.append(duty)
            if duty.status in ("overdue", "due_soon"):
                duty.article, duty.actor_word = group.article, actor_word
                duty.days = abs((duty.due_date - today).days)
                duty.detail_url = detail(duty.pk)  # the duty's own page; 第N条 links to its row here
                action_duties.append(duty)
        if filters["kind"] and ob.kind != filters["kind"]:
            continue
        shown = [d for d in own if _matches(d, filters["status"])]
        if filters["status"] and not shown:
            continue
        group.obligations.append(ObligationGroup(ob, kinds[ob.kind], actor_word, shown))
    groups = list(articles.values())
    if filters["active"]:
        groups = [g for g in groups if g.obligations]
    _template_headings(groups, several=len(words) > 1)
    action_duties.sort(key=lambda d: (d.due_date, d.pk))
    overdue = [d for d in action_duties if d.status == "overdue"]
    due_soon = [d for d in action_duties if d.status == "due_soon"]
    approvals_kind, approvals = _approval_items(request, contract)
    return "compliance/contract/duties.html", {
        "groups": groups,
        # The public body's procurement steps: its checklist while the contract is a draft, and
        # after activation as long as a step is still open.
        "checklist": checklist
        if contract.status == Contract.Status.DRAFT or any(d.state == Duty.State.OPEN for d in checklist)
        else [],
        "overdue": overdue[:ACTION_LIMIT],
        "overdue_more": max(0, len(overdue) - ACTION_LIMIT),
        "due_soon": due_soon[:ACTION_LIMIT],
        "due_soon_more": max(0, len(due_soon) - ACTION_LIMIT),
        "approvals": approvals,
        "approvals_kind": approvals_kind,
        "due_soon_days": selectors.DUE_SOON_DAYS,
        "filters": filters,
        "printing": printing,
        "request_form": RequestForm(contract=contract)
        if can_manage and contract.status == "active" and not printing
        else None,
    }


def register() -> None:
    from core.panels import register_panel, register_slot

    register_panel(
        template="compliance/panels/overview.html", roles={Role.AUDITOR, Role.CLIENT_ADMIN}, provider=overview
    )
    register_panel(
        template="compliance/panels/my_contracts.html",
        roles=CLIENT | CONTRACTOR | {Role.AUDITOR},
        provider=my_contracts,
    )
    register_panel(template="compliance/panels/due_items.html", roles=CLIENT | CONTRACTOR, provider=due_items)
    register_slot("contract_list.columns", contract_list_columns)
    register_slot("contract_detail.status", contract_status_panel)
    register_slot("contract_detail.main", contract_duties_panel)
    register_slot("subcontract_detail.main", subcontract_duties_panel)
    register_slot("incident_detail.duties", incident_duties_panel)
