from datetime import date

import pytest

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance import engine
from contracts.services import contract_create
from core.models import Role
from tests import factories
from tests.clauses.conftest import DATA


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    engine.clear_caches()
    yield
    engine.clear_caches()


@pytest.fixture
def mini_template(db):
    return clause_template_load(path=DATA / "mini.yaml")[0]


@pytest.fixture
def statutory_template(db):
    return clause_template_load(path=LIBRARY_DIR / "statutory-appi.yaml")[0]


@pytest.fixture
def side(db):
    return factories.side("c", "丙")


@pytest.fixture
def make_contract(side, mini_template):
    def make(**overrides):
        fields = {
            "contractor": side.contractor,
            "number": f"R7-{factories.next_number()}",
            "title": "住民情報システム運用保守業務委託",
            "start_date": date(2025, 4, 1),
            "end_date": date(2026, 3, 31),
            "work_start_date": date(2025, 4, 14),
            "clause_template": mini_template,
            "handles_personal_info": True,
        }
        fields.update(overrides)
        membership = side.client_admin
        assert membership.role == Role.CLIENT_ADMIN
        return contract_create(actor=membership.user, actor_membership=membership, **fields)

    return make
