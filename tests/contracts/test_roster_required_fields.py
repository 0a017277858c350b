"""The fields a contract's clauses need on the roster (001 §7: 所属, 従事期間) are refused by the
roster services themselves, not only by the entry form: adding, correcting or changing a line,
and importing a sheet, each at the field, in the form's words."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.forms.people import PersonForm
from contracts.models import Person, RosterEntry
from contracts.selectors.roster import roster_form_clauses
from contracts.services.roster import (
    roster_change_act,
    roster_change_open,
    roster_entry_change,
    roster_person_add,
    roster_person_edit,
)
from contracts.spreadsheets.roster import ROSTER_SPEC, roster_import
from core.spreadsheets import SpreadsheetError, export_rows, parse_rows
from tests.contracts.conftest import END, START, _contract, upload_pledges

AFFILIATION = "所属を記入してください（この契約の特記事項により名簿への記載が必要です）。"
PLANNED_END = "従事終了予定日を記入してください（この契約の特記事項により名簿への記載が必要です）。"


@pytest.fixture
def nerima_contract(side):
    """Under 練馬区's clauses (001): §7 records each person's 所属 and 従事期間."""
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("001-*.yaml")))
    return _contract(side, template, "R7-REQ-001")


@pytest.fixture
def sample_contract(side):
    """Under サンプル市's clauses (000): nothing asks for a person's 所属."""
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("000-*.yaml")))
    return _contract(side, template, "R7-REQ-000")


def _as(side) -> dict:
    m = side.contractor_admin
    return {"actor": m.user, "actor_membership": m}


def _open(side, contract):
    return roster_change_open(contract=contract, **_as(side))


def _entry(**kw) -> dict:
    values = {
        "full_name": "山田 花子",
        "role": "worker",
        "employment": "employee",
        "affiliation": "情報システム課",
        "start_date": START + timedelta(days=10),
        "planned_end_date": END,
    }
    values.update(kw)
    return values


def test_adding_without_a_required_field_is_refused_at_the_field(side, nerima_contract):
    change = _open(side, nerima_contract)
    with pytest.raises(ValidationError) as caught:
        roster_person_add(change=change, **_entry(affiliation="  ", planned_end_date=None), **_as(side))
    assert caught.value.message_dict == {"affiliation": [AFFILIATION], "planned_end_date": [PLANNED_END]}
    assert not Person.objects.filter(contract=nerima_contract).exists()
    roster_person_add(change=change, **_entry(), **_as(side))
    assert RosterEntry.objects.get(change=change).affiliation == "情報システム課"


def test_the_form_and_the_service_say_the_same(side, nerima_contract):
    form = PersonForm(
        data={k: str(v) for k, v in _entry(affiliation="").items()}, **roster_form_clauses(nerima_contract)
    )
    assert not form.is_valid()
    assert form.errors["affiliation"] == [AFFILIATION]


def test_correcting_a_drafted_line_cannot_blank_a_required_field(side, nerima_contract):
    change = _open(side, nerima_contract)
    person = roster_person_add(change=change, **_entry(), **_as(side)).person
    with pytest.raises(ValidationError) as caught:
        roster_person_edit(change=change, person=person, **_entry(affiliation=""), **_as(side))
    assert caught.value.message_dict == {"affiliation": [AFFILIATION]}
    assert RosterEntry.objects.get(change=change).affiliation == "情報システム課"


def test_a_change_of_someone_on_the_roster_keeps_the_required_fields(side, nerima_contract):
    change = _open(side, nerima_contract)
    person = roster_person_add(change=change, **_entry(), **_as(side)).person
    upload_pledges(side, change)
    roster_change_act(change=change, action="submit", **_as(side))
    later = _open(side, nerima_contract)
    with pytest.raises(ValidationError) as caught:
        roster_entry_change(change=later, person=person, role="worker", planned_end_date=None, **_as(side))
    assert caught.value.message_dict == {"planned_end_date": [PLANNED_END]}
    assert not RosterEntry.objects.filter(change=later).exists()
    # A removal needs no more than its last day (today, when none is given).
    removed = roster_entry_change(
        change=later, person=person, remove=True, planned_end_date=None, **_as(side)
    )
    assert removed.action == RosterEntry.Action.REMOVE


def test_an_imported_row_without_a_required_field_is_refused_with_its_row(side, nerima_contract):
    change = _open(side, nerima_contract)
    rows = [
        {**_entry(full_name="山田 太郎"), "employer_name": ""},
        {**_entry(full_name="所属 なし", affiliation=""), "employer_name": ""},
    ]
    data = export_rows(ROSTER_SPEC, rows)
    second = parse_rows(ROSTER_SPEC, data).row_numbers[1]
    with pytest.raises(SpreadsheetError) as caught:
        roster_import(change=change, data=data, **_as(side))
    assert [(e.row, e.header, e.message) for e in caught.value.cell_errors] == [(second, "所属", AFFILIATION)]
    assert not Person.objects.filter(contract=nerima_contract).exists()  # every row or none
    rows[1]["affiliation"] = "総務課"
    assert len(roster_import(change=change, data=export_rows(ROSTER_SPEC, rows), **_as(side))) == 2


def test_clauses_without_the_condition_accept_a_line_without_affiliation(side, sample_contract):
    change = _open(side, sample_contract)
    entry = roster_person_add(change=change, **_entry(affiliation="", planned_end_date=None), **_as(side))
    assert entry.affiliation == "" and entry.planned_end_date is None
    rows = [{**_entry(full_name="山田 太郎", affiliation=""), "employer_name": ""}]
    assert len(roster_import(change=change, data=export_rows(ROSTER_SPEC, rows), **_as(side))) == 1
