from dataclasses import dataclass

import pytest

from core import crypto
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    # Data keys are cached per process; a test database reuses primary keys between tests.
    crypto.data_key_cache.forget()
    yield
    crypto.data_key_cache.forget()


@dataclass
class World:
    a: factories.Side
    b: factories.Side
    site_admin: object


@pytest.fixture
def world(db) -> World:
    """Two public bodies, each with its staff and its own contractor, plus a site administrator."""
    return World(a=factories.side("a", "甲"), b=factories.side("b", "乙"), site_admin=factories.site_admin())
