"""The roster under clauses that ask something of it: the fields an obligation's evidence needs for
every person are required at the entry form's field (001 §7: 所属, 従事期間), and the roles a
template declares (授受担当者) can be chosen for an entry and are printed by the template's label on
the roster page and its PDF form; the duty asking for such a role is met only once someone holds it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from contracts.forms.people import EntryChangeForm, PersonForm
from contracts.models import Person, PersonRole, RosterChange, RosterEntry
from contracts.pdf.roster import roster_context
from contracts.selectors.roster import roster_form_clauses
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.approvals import ApprovalAction as A
from tests.clauses.conftest import DATA
from tests.contracts.conftest import END, START, _contract


@pytest.fixture
def nerima_contract(side):
    """Under 練馬区's clauses (001): §7 records each person's 所属 and 従事期間."""
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("001-*.yaml")))
    return _contract(side, template, "R7-ROSTER-001")


@pytest.fixture
def declared_contract(side):
    """Under a template declaring 授受担当者 (code handover) and asking the roster to name one."""
    template, _ = clause_template_load(path=DATA / "declared_roles.yaml")
    return _contract(side, template, "R7-ROSTER-D")


def _open(side, contract) -> RosterChange:
    m = side.contractor_admin
    return roster_change_open(actor=m.user, actor_membership=m, contract=contract)


def _form(name="山田 花子", **kw):
    data = {
        "full_name": name,
        "role": "worker",
        "employment": "employee",
        "affiliation": "",
        "start_date": (START + timedelta(days=10)).isoformat(),
        "planned_end_date": END.isoformat(),
    }
    data.update(kw)
    return data


def _add(side, change, name, **entry):
    m = side.contractor_admin
    values = {"start_date": START + timedelta(days=10), "planned_end_date": END, "affiliation": "総務部"}
    values.update(entry)
    return roster_person_add(actor=m.user, actor_membership=m, change=change, full_name=name, **values)


def test_missing_affiliation_is_refused_at_the_field(client, side, nerima_contract):
    change = _open(side, nerima_contract)
    client.force_login(side.contractor_admin.user)
    response = client.post(reverse("contracts:roster_person_add", args=[change.pk]), _form())
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["affiliation"] == [
        "所属を記入してください（この契約の特記事項により名簿への記載が必要です）。"
    ]
    assert "planned_end_date" not in errors
    assert not Person.objects.filter(contract=nerima_contract).exists()
    response = client.post(
        reverse("contracts:roster_person_add", args=[change.pk]), _form(affiliation="情報システム課")
    )
    assert response.status_code == 302
    assert RosterEntry.objects.get(change=change).affiliation == "情報システム課"


def test_missing_planned_end_is_refused_at_the_field(client, side, nerima_contract):
    change = _open(side, nerima_contract)
    client.force_login(side.contractor_admin.user)
    response = client.post(
        reverse("contracts:roster_person_add", args=[change.pk]),
        _form(affiliation="情報システム課", planned_end_date=""),
    )
    errors = response.context["form"].errors
    assert errors["planned_end_date"] == [
        "従事終了予定日を記入してください（この契約の特記事項により名簿への記載が必要です）。"
    ]


def test_a_roster_made_without_the_field_leaves_the_duty_open(client, side, nerima_contract):
    # The services refuse a line without it (test_roster_required_fields), but a line drafted
    # before the clauses asked has none: the roster is kept, and the duty asking for the field
    # stays open, its page saying what is missing.
    change = _open(side, nerima_contract)
    with pytest.raises(ValidationError):
        _add(side, change, "管理 花子", role=PersonRole.RESPONSIBLE, affiliation="")
    _add(side, change, "管理 花子", role=PersonRole.RESPONSIBLE)
    RosterEntry.objects.filter(change=change).update(affiliation="")
    manager = side.contractor_admin
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action=A.SUBMIT)
    duty = Duty.objects.get(contract=nerima_contract, obligation__key="7-roster")
    assert duty.state == Duty.State.OPEN
    client.force_login(manager.user)
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert "名簿の1人について所属が記載されていません。" in page


def test_clauses_asking_nothing_of_the_roster_leave_the_fields_optional(side, notice_contract):
    form = PersonForm(**roster_form_clauses(notice_contract))
    assert not form.fields["affiliation"].required
    assert not form.fields["planned_end_date"].required
    assert "declared_roles" not in form.fields
    declared = roster_form_clauses(notice_contract)["declared_roles"]
    assert "declared_roles" not in EntryChangeForm(declared_roles=declared).fields
    _add(side, _open(side, notice_contract), "所属 なし", affiliation="", planned_end_date=None)


def test_declared_roles_are_offered_by_their_label(side, declared_contract):
    form = PersonForm(**roster_form_clauses(declared_contract))
    assert form.fields["declared_roles"].choices == [("handover", "授受担当者")]
    assert form.fields["affiliation"].required  # the template's 1.2 asks for everyone's affiliation
    change_form = EntryChangeForm(declared_roles=roster_form_clauses(declared_contract)["declared_roles"])
    assert change_form.fields["declared_roles"].choices == [("handover", "授受担当者")]


def test_a_declared_role_is_chosen_shown_and_printed(client, side, declared_contract):
    change = _open(side, declared_contract)
    client.force_login(side.contractor_admin.user)
    response = client.post(
        reverse("contracts:roster_person_add", args=[change.pk]),
        _form("授受 太郎", role="responsible", affiliation="業務課", declared_roles=["handover"]),
    )
    assert response.status_code == 302
    entry = RosterEntry.objects.get(change=change)
    assert entry.declared_roles == ["handover"]
    page = client.get(reverse("contracts:roster_change", args=[change.pk])).content.decode()
    assert "授受担当者" in page and "handover" not in page
    manager = side.contractor_admin
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action=A.SUBMIT)
    page = client.get(reverse("contracts:roster", args=[declared_contract.pk])).content.decode()
    assert "授受担当者" in page and "handover" not in page
    printed = roster_context(declared_contract)
    assert "".join(printed["entries"][0].role_words) == "責任者、授受担当者"
    # The template's 1.1 asks for a 授受担当者 on the roster: this one names one.
    duty = Duty.objects.get(contract=declared_contract, obligation__key="1.1-handover-person")
    assert duty.state == Duty.State.FULFILLED


def test_a_roster_without_the_declared_role_does_not_meet_the_duty(client, side, declared_contract):
    change = _open(side, declared_contract)
    _add(side, change, "作業 花子", role=PersonRole.WORKER)
    manager = side.contractor_admin
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action=A.SUBMIT)
    duty = Duty.objects.get(contract=declared_contract, obligation__key="1.1-handover-person")
    assert duty.state == Duty.State.OPEN
    client.force_login(side.client_staff.user)
    page = client.get(reverse("compliance:duty_detail", args=[duty.pk])).content.decode()
    assert "名簿に授受担当者が記載されていません。" in page
    # The roster itself (1.2: everyone's affiliation) is met by the same notice.
    assert (
        Duty.objects.get(contract=declared_contract, obligation__key="1.2-roster").state
        == Duty.State.FULFILLED
    )


def test_a_role_the_template_does_not_declare_is_refused(client, side, declared_contract, notice_contract):
    with pytest.raises(ValidationError) as exc:
        _add(side, _open(side, notice_contract), "授受 太郎", declared_roles=["handover"])
    assert set(exc.value.message_dict) == {"declared_roles"}
    change = _open(side, declared_contract)
    client.force_login(side.contractor_admin.user)
    response = client.post(
        reverse("contracts:roster_person_add", args=[change.pk]),
        _form(affiliation="業務課", declared_roles=["courier"]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["declared_roles"]


def test_a_change_keeps_and_edits_declared_roles(client, side, declared_contract):
    change = _open(side, declared_contract)
    person = _add(side, change, "作業 花子", role=PersonRole.WORKER).person
    manager = side.contractor_admin
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action=A.SUBMIT)
    later = _open(side, declared_contract)
    client.force_login(manager.user)
    url = reverse("contracts:roster_entry_change", args=[later.pk, person.pk])
    response = client.post(url, {"role": "worker", "declared_roles": ["handover"], "planned_end_date": ""})
    assert response.status_code == 302, response.context["form"].errors
    assert RosterEntry.objects.get(change=later, person=person).declared_roles == ["handover"]
    roster_change_act(actor=manager.user, actor_membership=manager, change=later, action=A.SUBMIT)
    duty = Duty.objects.get(contract=declared_contract, obligation__key="1.1-handover-person")
    assert duty.state == Duty.State.FULFILLED
