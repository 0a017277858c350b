from datetime import timedelta

import pytest
from django.utils import timezone

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance import engine
from contracts.services import contract_activate, contract_create
from tests import factories
from tests.clauses.conftest import DATA

# Roster approvals happen "now": the contract runs around today so that dates are meaningful.
TODAY = timezone.localdate()
START = TODAY - timedelta(days=30)
END = TODAY + timedelta(days=330)


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    engine.clear_caches()
    yield
    engine.clear_caches()


@pytest.fixture
def side(db):
    return factories.side("r", "辛")


def _contract(side, template, number):
    admin = side.client_admin
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number=number,
        title="名簿確認業務",
        start_date=START,
        end_date=END,
        work_start_date=START + timedelta(days=10),
        clause_template=template,
        handles_personal_info=True,
    )
    return contract_activate(actor=admin.user, actor_membership=admin, contract=contract, signed_on=START)


@pytest.fixture
def approval_contract(side):
    """Under 所沢市's clauses: people are approved before they work (§4)."""
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))
    return _contract(side, template, "R7-ROSTER-A")


@pytest.fixture
def notice_contract(side):
    """Under clauses that ask only for notice of the roster and its changes."""
    template, _ = clause_template_load(path=DATA / "mini.yaml")
    return _contract(side, template, "R7-ROSTER-N")


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload_pledges(side, change) -> None:
    """Upload a (stand-in) signed pledge for everyone the change adds, as the clauses demand."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contracts.services.pledges import pledge_upload

    manager = side.contractor_admin
    for entry in change.entries.filter(action="add").select_related("person", "person__contract"):
        if not entry.person.pledges.exists():
            pledge_upload(
                actor=manager.user,
                actor_membership=manager,
                person=entry.person,
                uploaded=SimpleUploadedFile("誓約書.pdf", MINIMAL_PDF, content_type="application/pdf"),
                signed_on=TODAY,
            )
