"""A new revision of a template leaves the contracts and duties under the old one alone."""

from clauses.services import clause_template_load
from compliance.models import Duty
from contracts.services import contract_activate
from tests.clauses.conftest import DATA


def test_new_revision_leaves_existing_contracts_and_duties_alone(make_contract, side, tmp_path):
    contract = make_contract()
    contract_activate(actor=side.client_admin.user, actor_membership=side.client_admin, contract=contract)
    before = list(Duty.objects.filter(contract=contract).values_list("pk", "obligation_id", "due_date"))
    revised = tmp_path / "mini-2.yaml"
    revised.write_text(
        (DATA / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace('version: "1"', 'version: "2"')
        .replace("3か月ごとに", "毎月"),
        encoding="utf-8",
    )
    new, created = clause_template_load(path=revised)
    assert created and new.pk != contract.clause_template_id
    contract.refresh_from_db()
    assert contract.clause_template.version == "1"
    assert (
        list(Duty.objects.filter(contract=contract).values_list("pk", "obligation_id", "due_date")) == before
    )
