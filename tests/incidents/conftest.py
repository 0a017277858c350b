"""A contract under 練馬区's clauses (001) with a chain of subcontracts: x (tier 1) with y below it
(tier 2) and w, a sibling of x; each subcontractor has a manager and a worker
(tests/contracts/test_subcontracts.py builds them; w gets its manager here)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance import engine
from core.models import Role
from incidents.services.incidents import incident_report
from tests import factories
from tests.contracts.conftest import side  # noqa: F401 (a fixture)
from tests.contracts.test_subcontracts import chain, contract, subs  # noqa: F401 (fixtures)

SUMMARY = "作業用PCを電車内で紛失。申請者50名分の氏名・住所を保存"


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    engine.clear_caches()
    yield
    engine.clear_caches()


@pytest.fixture
def sibling_admin(chain):  # noqa: F811
    return factories.member(chain["w"], Role.CONTRACTOR_ADMIN, email="sibling-manager@example.jp")


def m(membership) -> dict:
    return {"actor": membership.user, "actor_membership": membership}


def report(membership, contract, **overrides):  # noqa: F811
    fields = {
        "category": "loss",
        "suspected": False,
        "found_at": timezone.now() - timedelta(minutes=30),
        "summary": SUMMARY,
        **overrides,
    }
    return incident_report(contract=contract, **m(membership), **fields)
