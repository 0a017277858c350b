"""The duty engine against a careful reader of each seed (issue: duty fidelity).

For each shipped template of a seed, the scenario contract of tests/compliance/expected/ is built
and activated through the services; the contract-wide duties it opens (subject "") are compared
with the table's contract-wide `duties` rows by article, actor, kind and due date: every row, and
nothing the table does not list.

The per-person and per-subcontract rows are compared the same way on a second contract that lives
through the scenario's events (tests/compliance/fidelity_scenario.py: roster, work site, training,
the subcontract and its worker), each duty of a person or subcontract against the table's rows for
that person or subcontract. Each `on_event` row must have an obligation that opens when its event
happens. Two more tests keep the tables themselves readable by the measure: every row cites an
article, and uses the vocabulary's kinds and actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml

from clauses.kinds import ACTORS, KINDS
from clauses.models import ClauseTemplate
from clauses.services import clause_library_load
from compliance.models import Duty
from contracts.services import contract_activate, contract_create
from tests import factories
from tests.compliance import fidelity_scenario

EXPECTED = Path(__file__).parent / "expected"
TEMPLATE_OF_SEED = {
    "000": "confidentiality-personal-information",
    "001": "nerima-entrusted-information",
    "002": "tokorozawa-secret-and-personal-information",
    "003": "kawasaki-personal-information-security",
    "004": "security-requirements-special-terms",
}

_ARTICLE = re.compile(r"第(\d+)条")


@dataclass(frozen=True)
class Row:
    article: int
    actor: str
    kind: str
    due: date | None


def _article_of_clause(clause: str) -> int:
    return int(re.match(r"\d+", clause).group(0))


def expected_rows(seed: str) -> list[Row]:
    table = yaml.safe_load((EXPECTED / f"{seed}.yaml").read_text(encoding="utf-8"))
    rows = []
    for row in table["duties"]:
        if row.get("subject"):
            continue
        match = _ARTICLE.search(str(row["article"]))
        if match:
            rows.append(Row(int(match.group(1)), row["actor"], row["kind"], row.get("due")))
    return rows


def engine_rows(seed: str) -> list[Row]:
    template = (
        ClauseTemplate.objects.filter(template_id=TEMPLATE_OF_SEED[seed])
        .order_by("-loaded_at", "-pk")
        .first()
    )
    side = factories.side(f"fid{seed}", f"精{seed}")
    scenario = yaml.safe_load((EXPECTED / f"{seed}.yaml").read_text(encoding="utf-8"))["scenario"]
    membership = side.client_admin
    contract = contract_create(
        actor=membership.user,
        actor_membership=membership,
        contractor=side.contractor,
        number=f"R8-FIDELITY-{seed}",
        title="忠実度確認業務",
        start_date=scenario["signed_on"],
        end_date=scenario["end_date"],
        work_start_date=scenario["work_start"],
        clause_template=template,
        handles_personal_info=scenario["personal_info"],
        handles_my_number=scenario["my_number"],
        on_premises=scenario["on_premises"],
        subcontracting=scenario["subcontracting"],
    )
    contract_activate(
        actor=membership.user, actor_membership=membership, contract=contract, signed_on=scenario["signed_on"]
    )
    duties = Duty.objects.filter(contract=contract, subject="", obligation__template=template).select_related(
        "obligation"
    )
    return [
        Row(_article_of_clause(d.obligation.clause), d.obligation.actor, d.obligation.kind, d.due_date)
        for d in duties
    ]


def compare(expected: list[Row], found: list[Row]) -> dict[str, list]:
    """Pair each expected row with an unused engine row of its article and actor, preferring the
    same due date and kind; what is left over on either side is missing or extra."""
    left = list(found)
    report: dict[str, list] = {"right": [], "wrong_kind": [], "wrong_date": [], "missing": [], "extra": []}
    for want in expected:
        same = [r for r in left if (r.article, r.actor) == (want.article, want.actor)]
        best = sorted(same, key=lambda r: (r.due != want.due, r.kind != want.kind))
        if not best:
            report["missing"].append(want)
            continue
        got = best[0]
        left.remove(got)
        if got.due != want.due:
            report["wrong_date"].append((want, got))
        else:
            report["right" if got.kind == want.kind else "wrong_kind"].append((want, got))
    report["extra"] = left
    return report


@pytest.mark.django_db
@pytest.mark.parametrize("seed", sorted(TEMPLATE_OF_SEED))
def test_contract_wide_duties_against_the_careful_readers_table(seed):
    clause_library_load()
    report = compare(expected_rows(seed), engine_rows(seed))
    counts = {name: len(rows) for name, rows in report.items()}
    print(f"\nseed {seed}: {counts}")
    for want, got in report["wrong_date"]:
        where = f"第{want.article}条 {want.actor} {want.kind}"
        print(f"  {where}: expected {want.due}, engine {got.due} ({got.kind})")
    for want, got in report["wrong_kind"]:
        print(f"  第{want.article}条 {want.actor}: expected {want.kind}, engine {got.kind}")
    for want in report["missing"]:
        print(f"  missing 第{want.article}条 {want.actor} {want.kind} due {want.due}")
    for got in report["extra"]:
        print(f"  extra 第{got.article}条 {got.actor} {got.kind} due {got.due}")
    # Every row of the table, and nothing else: the engine lists what the careful reader lists.
    assert counts == {**dict.fromkeys(counts, 0), "right": len(expected_rows(seed))}, counts


# --- per person and per subcontract: the scenario's events ------------------------------------

# Kinds a table introduces before the vocabulary has them, each explained in its `doubtful` rows.
PROPOSED_KINDS: dict[str, set[str]] = {}
_PER = {"each person": "person", "each subcontract": "subcontract"}


@dataclass(frozen=True)
class SubjectRow:
    subject: str
    article: int
    actor: str
    kind: str
    due: date | None


def _table(seed: str) -> dict:
    return yaml.safe_load((EXPECTED / f"{seed}.yaml").read_text(encoding="utf-8"))


def expected_subject_rows(seed: str) -> list[SubjectRow]:
    """One row per person or subcontract the table names: its `duties` rows of "each person" /
    "each subcontract", and the `on_event` rows that give a due date of this scenario (the others
    give a rule, not a date; the events of the scenario that open them are the joining of
    高橋三郎 and the subcontract, whose dates the `duties` rows already carry)."""
    rows = []
    for section in ("duties", "on_event"):
        for row in _table(seed).get(section, []):
            if row.get("subject") not in _PER or (section == "on_event" and "due" not in row):
                continue
            match = _ARTICLE.search(str(row["article"]))
            for who in row.get("per") or []:
                subject = who if _PER[row["subject"]] == "person" else fidelity_scenario.SUBCONTRACT
                rows.append(
                    SubjectRow(subject, int(match.group(1)), row["actor"], row["kind"], row.get("due"))
                )
    return rows


def engine_subject_rows(built: fidelity_scenario.Scenario) -> list[SubjectRow]:
    """The first cycle of each per-subject duty the scenario opened (a later cycle is the engine
    rolling a met duty forward, which the tables give as `cycles` of the same row)."""
    duties = (
        Duty.objects.filter(contract=built.contract, obligation__template=built.template, cycle=1)
        .exclude(subject="")
        .select_related("obligation")
    )
    return [
        SubjectRow(
            built.subject_label(d.subject),
            _article_of_clause(d.obligation.clause),
            d.obligation.actor,
            d.obligation.kind,
            d.due_date,
        )
        for d in duties
    ]


def compare_subjects(expected: list[SubjectRow], found: list[SubjectRow]) -> dict[str, list]:
    """Pair each expected row with an unused engine row of the same subject, article and actor,
    preferring the same due date, then the same kind: right when both agree."""
    left = list(found)
    report: dict[str, list] = {"right": [], "wrong_kind": [], "wrong_date": [], "missing": [], "extra": []}
    for want in expected:
        same = [
            r for r in left if (r.subject, r.article, r.actor) == (want.subject, want.article, want.actor)
        ]
        best = sorted(same, key=lambda r: (r.due != want.due, r.kind != want.kind))
        if not best:
            report["missing"].append(want)
            continue
        got = best[0]
        left.remove(got)
        if got.due != want.due:
            report["wrong_date"].append((want, got))
        else:
            report["right" if got.kind == want.kind else "wrong_kind"].append((want, got))
    report["extra"] = left
    return report


def _print_subject_report(seed: str, built: fidelity_scenario.Scenario, report: dict[str, list]) -> None:
    counts = {name: len(rows) for name, rows in report.items()}
    print(f"\nseed {seed} (per person / per subcontract): {counts}")
    for step in built.refused:
        print(f"  refused: {step}")
    for step in built.skipped:
        print(f"  skipped: {step}")
    for want, _got in report["right"]:
        print(f"  right {want.subject} 第{want.article}条 {want.actor} {want.kind} due {want.due}")
    for want, got in report["wrong_date"]:
        where = f"{want.subject} 第{want.article}条 {want.actor} {want.kind}"
        print(f"  {where}: expected {want.due}, engine {got.due} ({got.kind})")
    for want, got in report["wrong_kind"]:
        print(f"  {want.subject} 第{want.article}条 {want.actor}: expected {want.kind}, engine {got.kind}")
    for want in report["missing"]:
        print(f"  missing {want.subject} 第{want.article}条 {want.actor} {want.kind} due {want.due}")
    for got in report["extra"]:
        print(f"  extra {got.subject} 第{got.article}条 {got.actor} {got.kind} due {got.due}")
    # Not counted: what the scenario's events opened for the whole contract (a roster notice, a
    # change to approve), often where a table has one row per person.
    opened = (
        Duty.objects.filter(contract=built.contract, obligation__template=built.template, subject="", cycle=1)
        .exclude(opened_by_event__kind="contract.activated")
        .select_related("obligation", "opened_by_event")
    )
    for d in opened:
        ob = d.obligation
        where = f"第{_article_of_clause(ob.clause)}条 {ob.actor} {ob.kind}"
        print(f"  contract-wide, opened by {d.opened_by_event.kind}: {where} due {d.due_date}")


@pytest.mark.django_db
@pytest.mark.parametrize("seed", sorted(TEMPLATE_OF_SEED))
def test_per_subject_duties_against_the_careful_readers_table(seed):
    clause_library_load()
    template = (
        ClauseTemplate.objects.filter(template_id=TEMPLATE_OF_SEED[seed])
        .order_by("-loaded_at", "-pk")
        .first()
    )
    built = fidelity_scenario.build(seed, template, _table(seed)["scenario"])
    report = compare_subjects(expected_subject_rows(seed), engine_subject_rows(built))
    _print_subject_report(seed, built, report)
    counts = {name: len(rows) for name, rows in report.items()}
    assert not built.refused, f"a service refused a step of the scenario: {built.refused}"
    assert counts == {**dict.fromkeys(counts, 0), "right": len(expected_subject_rows(seed))}, counts


# --- duties that open when something happens -------------------------------------------------


def _obligations(template: ClauseTemplate) -> list[tuple[int, str, str, str, list[str]]]:
    return [
        (_article_of_clause(ob.clause), ob.actor, ob.kind, ob.trigger, list(ob.applies_if))
        for ob in template.obligations.all()
    ]


def _opens_on_that_event(row: dict, obligations) -> bool:
    """The template has an obligation of the row's article, actor and kind that opens when such a
    thing happens: on an event or a request; at the end, whose duties an early end re-dates; or a
    standing one that opens when the contract fact the row's event makes true holds."""
    article = int(_ARTICLE.search(str(row["article"])).group(1))
    for ob_article, actor, kind, trigger, applies_if in obligations:
        if (ob_article, actor, kind) != (article, row["actor"], row["kind"]):
            continue
        if trigger in ("event", "on_request", "contract_end") or (trigger == "standing" and applies_if):
            return True
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("seed", sorted(TEMPLATE_OF_SEED))
def test_every_on_event_row_has_an_obligation_that_opens_on_it(seed):
    clause_library_load()
    template = ClauseTemplate.objects.filter(template_id=TEMPLATE_OF_SEED[seed]).order_by("-loaded_at", "-pk")
    obligations = _obligations(template.first())
    rows = _table(seed).get("on_event", [])
    unmet = [
        f"{row['article']} {row['actor']} {row['kind']}"
        for row in rows
        if not _opens_on_that_event(row, obligations)
    ]
    assert rows and not unmet, f"on_event rows of {seed}.yaml no obligation opens on: {unmet}"


# --- the tables themselves --------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(TEMPLATE_OF_SEED))
def test_every_table_row_cites_an_article(seed):
    table = _table(seed)
    uncited = [
        f"{section}: {row.get('article')!r}"
        for section in ("duties", "on_event", "informational")
        for row in table.get(section, [])
        if not re.match(r"第\d+条", str(row.get("article", "")))
    ]
    assert not uncited, f"rows of {seed}.yaml that cite no article: {uncited}"


@pytest.mark.parametrize("seed", sorted(TEMPLATE_OF_SEED))
def test_tables_use_known_kinds_and_actors(seed):
    table = _table(seed)
    proposed = PROPOSED_KINDS.get(seed, set())
    # A proposed kind stays allowed only while the table's doubtful rows still argue for it.
    doubts = " ".join(str(row.get("chosen", "")) for row in table.get("doubtful", []))
    assert all(kind in doubts for kind in proposed), f"{seed}.yaml no longer proposes {proposed}"
    wrong = [
        f"{section} {row['article']}: kind {row.get('kind')!r}, actor {row.get('actor')!r}"
        for section in ("duties", "on_event")
        for row in table.get(section, [])
        if (row.get("kind") not in KINDS and row.get("kind") not in proposed)
        or row.get("actor") not in ACTORS
    ]
    assert not wrong, f"rows of {seed}.yaml outside the vocabulary of clauses.kinds: {wrong}"
