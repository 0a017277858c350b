"""How far the duty engine is from a careful reader of each seed (issue: duty fidelity).

For each shipped template of a seed, the scenario contract of tests/compliance/expected/ is built
and activated through the services; the contract-wide duties it opens (subject "") are compared
with the table's contract-wide `duties` rows by article, actor and due date (and kind). The test
prints the comparison and holds the number of rows the engine gets right to a floor that only
goes up (FLOOR): it guards what is right while the rest is built, it does not claim fidelity.
Per-person, per-subcontract and event-opened rows need the scenario's events: not yet compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml

from clauses.models import ClauseTemplate
from clauses.services import clause_library_load
from compliance.models import Duty
from contracts.services import contract_activate, contract_create
from tests import factories

EXPECTED = Path(__file__).parent / "expected"
TEMPLATE_OF_SEED = {
    "000": "confidentiality-personal-information",
    "001": "nerima-entrusted-information",
    "002": "tokorozawa-secret-and-personal-information",
    "003": "kawasaki-personal-information-security",
    "004": "security-requirements-special-terms",
}
# Contract-wide rows the engine gets right (article, actor and due date), per seed, as measured.
# Raise a floor when the engine gets more right; never lower one without saying why.
FLOOR = {"000": 21, "001": 29, "002": 22, "003": 13, "004": 17}

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
    report: dict[str, list] = {"right": [], "wrong_date": [], "missing": [], "extra": []}
    for want in expected:
        same = [r for r in left if (r.article, r.actor) == (want.article, want.actor)]
        best = sorted(same, key=lambda r: (r.due != want.due, r.kind != want.kind))
        if not best:
            report["missing"].append(want)
            continue
        got = best[0]
        left.remove(got)
        report["right" if got.due == want.due else "wrong_date"].append((want, got))
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
    for want in report["missing"]:
        print(f"  missing 第{want.article}条 {want.actor} {want.kind} due {want.due}")
    for got in report["extra"]:
        print(f"  extra 第{got.article}条 {got.actor} {got.kind} due {got.due}")
    assert counts["right"] >= FLOOR[seed], f"fewer contract-wide duties right than before: {counts}"
