"""clauses.api: what a contract's clauses demand, asked by the domain apps instead of kind codes."""

import pytest

from clauses import api
from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from tests.clauses.conftest import DATA


def _library(name):
    return clause_template_load(path=next(LIBRARY_DIR.glob(f"{name}-*.yaml")))[0]


@pytest.mark.django_db
def test_answers_follow_the_templates_own_obligations():
    tokorozawa, nerima, kawasaki = _library("002"), _library("001"), _library("003")
    # 所沢市 §4: people work only after approval; 練馬区 §8 asks a notice only.
    assert api.personnel_need_prior_approval(tokorozawa)
    assert not api.personnel_need_prior_approval(nerima)
    # 川崎市 §5.2: every person signs a pledge on joining.
    assert api.pledge_required_of_everyone(kawasaki)
    assert api.name_tags_required(tokorozawa)
    assert api.requires(kawasaki, "pledge", trigger="event")


@pytest.mark.django_db
def test_a_contract_is_asked_through_its_adopted_template(mini_template):
    class Contract:
        clause_template = mini_template

    assert api.party_words(Contract()) == api.PartyWords(
        client=mini_template.parties["client"], contractor=mini_template.parties["contractor"]
    )
    assert api.requires(Contract(), "pledge") == mini_template.obligations.filter(kind="pledge").exists()
    assert api.form_ids(Contract()) == set(
        mini_template.obligations.exclude(form_id="").values_list("form_id", flat=True)
    )


def test_an_unknown_kind_is_refused_not_answered_no(mini_template):
    with pytest.raises(ValueError):
        api.requires(mini_template, "personnel-prior-aproval")


def test_data_dir_is_the_clause_tests_own():
    assert (DATA / "mini.yaml").exists()
