from pathlib import Path

import pytest

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from tests import factories

# Small templates for tests (mini.yaml) and the article table the seed template is checked against.
DATA = Path(__file__).parent / "data"


@pytest.fixture
def mini_template(db):
    return clause_template_load(path=DATA / "mini.yaml")[0]


@pytest.fixture
def statutory_template(db):
    return clause_template_load(path=LIBRARY_DIR / "statutory-appi.yaml")[0]


@pytest.fixture
def side(db):
    return factories.side("c", "丙")
