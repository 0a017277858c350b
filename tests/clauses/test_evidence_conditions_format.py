"""The format of evidence conditions (an obligation's evidence_conditions) and of the roster roles a
template declares (roster_roles): what the validator refuses, each problem at the obligation's key
(or the role), with the closest spelling of a typo; what the loader stores and clauses.api reads."""

import copy

import pytest
import yaml

from clauses import api as clauses_api
from clauses.library import check_template
from clauses.services import clause_template_load
from tests.clauses.conftest import DATA

SAMPLE = yaml.safe_load((DATA / "declared_roles.yaml").read_text(encoding="utf-8"))


def _problems(data) -> list[str]:
    return [str(p) for p in check_template(data, "sample.yaml")]


def _with(conditions=None, *, roles=None, key_index: int = 0):
    data = copy.deepcopy(SAMPLE)
    if conditions is not None:
        data["articles"][0]["obligations"][key_index]["evidence_conditions"] = conditions
    if roles is not None:
        data["roster_roles"] = roles
    return data


def test_the_sample_is_valid():
    assert _problems(SAMPLE) == []


def test_unknown_condition_names_the_obligation_and_the_closest_name():
    problems = _problems(_with({"roster_role": ["responsible"]}))
    assert len(problems) == 1, problems
    assert "obligation 1.1-handover-person" in problems[0]
    assert "[evidence_conditions]" in problems[0]
    assert "unknown condition 'roster_role' — did you mean 'roster_roles'?" in problems[0]


def test_unknown_role_names_the_obligation_and_the_closest_role():
    problems = _problems(_with({"roster_roles": ["responsable"]}))
    assert len(problems) == 1, problems
    assert "obligation 1.1-handover-person" in problems[0]
    assert "[evidence_conditions.roster_roles]" in problems[0]
    assert "unknown roster role 'responsable' — did you mean 'responsible'?" in problems[0]


def test_a_role_the_template_does_not_declare_is_unknown():
    data = _with({"roster_roles": ["handover"]})
    del data["roster_roles"]
    problems = _problems(data)
    assert len(problems) == 1, problems
    assert "unknown roster role 'handover'" in problems[0]
    assert "obligation 1.1-handover-person" in problems[0]


def test_unknown_field_names_the_obligation_and_the_closest_field():
    problems = _problems(_with({"roster_fields": ["afiliation"]}, key_index=1))
    assert len(problems) == 1, problems
    assert "obligation 1.2-roster" in problems[0]
    assert "[evidence_conditions.roster_fields]" in problems[0]
    assert "unknown roster field 'afiliation' — did you mean 'affiliation'?" in problems[0]


def test_the_name_is_no_field_a_condition_names():
    # Always required: a condition naming it would say nothing.
    problems = _problems(_with({"roster_fields": ["full_name"]}, key_index=1))
    assert "unknown roster field 'full_name'" in problems[0]


@pytest.mark.parametrize(
    "conditions", [[], {}, "responsible", {"roster_roles": []}, {"roster_roles": "worker"}]
)
def test_malformed_conditions_are_refused(conditions):
    problems = _problems(_with(conditions))
    assert problems, conditions
    assert all("obligation 1.1-handover-person" in p for p in problems), problems


@pytest.mark.parametrize(
    ("roles", "words"),
    [
        ([{"code": "responsible", "label": "管理責任者"}], "is a built-in role already"),
        ([{"code": "授受", "label": "授受担当者"}], "lower-case ASCII"),
        ([{"code": "Handover", "label": "授受担当者"}], "lower-case ASCII"),
        (
            [{"code": "handover", "label": "授受担当者"}, {"code": "handover", "label": "搬送担当者"}],
            "declared twice",
        ),
        ([{"code": "handover"}], "[label] is required"),
        ([{"code": "handover", "label": "授受担当者", "lable": "x"}], "did you mean 'label'?"),
        ({"code": "handover"}, "must be a list of {code, label}"),
        (["handover"], "each role must be a mapping"),
    ],
)
def test_declared_roles_are_checked(roles, words):
    problems = _problems(_with(roles=roles))
    assert any(words in p for p in problems), problems


def test_a_clash_names_the_role():
    problems = _problems(_with(roles=[{"code": "worker", "label": "作業員"}]))
    assert any("roster role worker" in p and "[code]" in p for p in problems), problems


def test_the_loader_stores_conditions_and_declared_roles(db):
    template, _ = clause_template_load(path=DATA / "declared_roles.yaml")
    ob = template.obligations.get(key="1.1-handover-person")
    assert ob.evidence_conditions == {"roster_roles": ["handover"]}
    assert template.obligations.get(key="1.2-roster").evidence_conditions == {
        "roster_fields": ["affiliation"]
    }
    assert clauses_api.declared_roster_roles(template) == {"handover": "授受担当者"}
    assert clauses_api.required_roster_fields(template) == {"affiliation"}


def test_the_loader_refuses_an_unknown_role(db, tmp_path):
    from clauses.library import TemplateError

    broken = tmp_path / "broken.yaml"
    text = (DATA / "declared_roles.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("roster_roles: [handover]", "roster_roles: [handovr]"), encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        clause_template_load(path=broken)
    assert "obligation 1.1-handover-person" in str(exc.value)
    assert "did you mean 'handover'?" in str(exc.value)


def test_a_template_without_roles_or_conditions_asks_nothing(mini_template):
    assert clauses_api.declared_roster_roles(mini_template) == {}
    assert clauses_api.required_roster_fields(mini_template) == set()


def test_shipped_conditions(db):
    from clauses.library import LIBRARY_DIR

    by_prefix = {}
    for prefix in ("001", "004"):
        template, _ = clause_template_load(path=next(LIBRARY_DIR.glob(f"{prefix}-*.yaml")))
        by_prefix[prefix] = {ob.key: ob.evidence_conditions for ob in template.obligations.all()}
    assert by_prefix["001"]["6-responsible-person"] == {"roster_roles": ["responsible"]}
    assert by_prefix["001"]["7-roster"] == {
        "roster_fields": ["affiliation", "start_date", "planned_end_date"]
    }
    assert by_prefix["004"]["3.2-responsible-person"] == {"roster_roles": ["security_officer", "responsible"]}


def test_builtin_roles_are_the_rosters_roles():
    from clauses.library import BUILTIN_ROSTER_ROLES
    from contracts.models import PersonRole

    assert set(BUILTIN_ROSTER_ROLES) == set(PersonRole.values)
