"""A drafted roster line is edited, not only taken out and added again: a person the change adds
with the form that added them (roster_person_edit), someone already on the roster with the change
form starting from what is drafted for them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contracts.models import Employment, Person, PersonRole, RosterEntry
from contracts.services.roster import (
    roster_change_act,
    roster_change_open,
    roster_entry_change,
    roster_person_add,
    roster_person_edit,
)
from core.approvals import ApprovalAction as A
from core.models import Event
from tests import factories
from tests.contracts.conftest import END, START, upload_pledges

WORK_START = START + timedelta(days=10)


def _manager(side):
    return {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}


def _open(side, contract):
    return roster_change_open(contract=contract, **_manager(side))


def _add(side, change, name="下書 花子", **kw):
    fields = {"full_name_kana": "したがき はなこ", "role": PersonRole.WORKER, "start_date": WORK_START}
    fields.update(kw)
    return roster_person_add(change=change, full_name=name, **_manager(side), **fields)


def _edit(side, change, person, **kw):
    fields = {
        "full_name": person.full_name,
        "full_name_kana": person.full_name_kana,
        "role": PersonRole.WORKER,
        "start_date": WORK_START,
    }
    fields.update(kw)
    return roster_person_edit(change=change, person=person, **_manager(side), **fields)


def _form(**kw):
    data = {
        "full_name": "下書 花子",
        "full_name_kana": "したがき はなこ",
        "role": "worker",
        "employment": "employee",
        "start_date": WORK_START.isoformat(),
        "planned_end_date": "",
        "affiliation": "",
        "job_title": "",
        "scope_of_work": "",
        "contact": "",
    }
    data.update(kw)
    return data


# --- the service ------------------------------------------------------------------------------


def test_a_person_the_change_adds_is_corrected_in_place_on_the_record(side, approval_contract):
    change = _open(side, approval_contract)
    row = _add(side, change, "下書 花予")  # a typo
    person = row.person
    edited = _edit(
        side,
        change,
        person,
        full_name="下書 花子",
        role=PersonRole.RESPONSIBLE,
        planned_end_date=END,
        scope_of_work="窓口受付",
    )
    assert edited.pk == row.pk and edited.action == RosterEntry.Action.ADD
    person = Person.objects.get(pk=person.pk)
    assert person.full_name == "下書 花子"
    row.refresh_from_db()
    assert (row.role, row.planned_end_date, row.scope_of_work) == (PersonRole.RESPONSIBLE, END, "窓口受付")
    assert RosterEntry.objects.filter(change=change).count() == 1
    event = Event.objects.filter(kind="roster.entry_drafted").latest("id")
    assert event.actor == side.contractor_admin.user
    assert event.data["subject"] == f"contracts.person:{person.pk}"
    # What changed is named; what it says is not (names are personal data).
    assert event.data["edited"] == ["full_name", "planned_end_date", "role", "scope_of_work"]
    assert "花子" not in str(event.data) and "窓口" not in str(event.data)


def test_saving_the_same_values_records_nothing(side, approval_contract):
    change = _open(side, approval_contract)
    person = _add(side, change).person
    before = Event.objects.count()
    _edit(side, change, person)
    assert Event.objects.count() == before


def test_the_rules_of_adding_hold_for_editing_each_at_its_field(side, approval_contract):
    change = _open(side, approval_contract)
    person = _add(side, change).person
    with pytest.raises(ValidationError) as exc:
        _edit(side, change, person, full_name=" ", start_date=END + timedelta(days=1))
    assert {"full_name", "start_date"} <= set(exc.value.error_dict)
    with pytest.raises(ValidationError) as exc:
        _edit(side, change, person, employment=Employment.DISPATCH)
    assert "dispatch_terms_confirmed" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        _edit(side, change, person, planned_end_date=WORK_START - timedelta(days=1))
    assert "planned_end_date" in exc.value.error_dict
    assert Person.objects.get(pk=person.pk).employment == Employment.EMPLOYEE  # nothing saved


def test_a_returned_change_is_edited_a_submitted_one_is_not(side, approval_contract):
    change = _open(side, approval_contract)
    person = _add(side, change).person
    change = roster_change_act(change=change, action=A.SUBMIT, **_manager(side))
    with pytest.raises(ValidationError):
        _edit(side, change, person, full_name="提出後 修正")
    staff = side.client_staff
    change = roster_change_act(
        actor=staff.user, actor_membership=staff, change=change, action=A.RETURN, reason="氏名の誤り"
    )
    _edit(side, change, person, full_name="差戻後 修正")
    assert Person.objects.get(pk=person.pk).full_name == "差戻後 修正"


def test_only_the_contractors_manager_edits_and_only_a_person_the_change_adds(side, notice_contract):
    first = _open(side, notice_contract)
    on_roster = _add(side, first, "在籍 一郎").person
    upload_pledges(side, first)
    roster_change_act(change=first, action=A.SUBMIT, **_manager(side))
    second = _open(side, notice_contract)
    with pytest.raises(ValidationError):
        _edit(side, second, on_roster, full_name="在籍 改名")  # on the roster: a new version instead
    drafted = _add(side, second, "新規 二郎").person
    with pytest.raises(PermissionDenied):
        roster_person_edit(
            actor=side.contractor_staff.user,
            actor_membership=side.contractor_staff,
            change=second,
            person=drafted,
            full_name="担当者 改名",
            start_date=WORK_START,
        )
    assert Person.objects.get(pk=on_roster.pk).full_name == "在籍 一郎"


# --- the pages --------------------------------------------------------------------------------


def test_the_change_page_offers_to_edit_each_line_with_the_form_that_added_it(
    client, side, approval_contract
):
    change = _open(side, approval_contract)
    person = _add(side, change, affiliation="市民課").person
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:roster_entry_change", args=[change.pk, person.pk])
    page = client.get(reverse("contracts:roster_change", args=[change.pk])).content.decode()
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response.templates[0].name == "contracts/roster/person_form.html"
    form = response.context["form"]
    assert form["full_name"].value() == "下書 花子" and form["affiliation"].value() == "市民課"
    assert form["start_date"].value() == WORK_START
    assert Event.objects.filter(kind="person.viewed", object_id=str(person.pk)).exists()

    # Bad input: said at the field, nothing typed is lost, nothing saved.
    bad = client.post(url, _form(full_name="下書 花江", start_date=(END + timedelta(days=1)).isoformat()))
    assert bad.status_code == 200 and bad.context["form"].errors["start_date"]
    assert bad.context["form"]["full_name"].value() == "下書 花江"
    assert Person.objects.get(pk=person.pk).full_name == "下書 花子"

    saved = client.post(url, _form(full_name="下書 花江", role="responsible", affiliation="市民課"))
    assert saved.status_code == 302 and saved.url == reverse("contracts:roster_change", args=[change.pk])
    assert Person.objects.get(pk=person.pk).full_name == "下書 花江"
    assert RosterEntry.objects.get(change=change, person=person).role == PersonRole.RESPONSIBLE
    page = client.get(saved.url).content.decode()
    assert "下書 花江の内容を保存しました。" in page


def test_a_drafted_change_of_someone_on_the_roster_opens_as_drafted(client, side, notice_contract):
    first = _open(side, notice_contract)
    person = _add(side, first, "在籍 三郎", planned_end_date=END).person
    upload_pledges(side, first)
    roster_change_act(change=first, action=A.SUBMIT, **_manager(side))
    second = _open(side, notice_contract)
    shorter = END - timedelta(days=100)
    roster_entry_change(
        change=second, person=person, role=PersonRole.WORKER, planned_end_date=shorter, **_manager(side)
    )
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:roster_entry_change", args=[second.pk, person.pk])
    assert (
        f'href="{url}"' in client.get(reverse("contracts:roster_change", args=[second.pk])).content.decode()
    )
    form = client.get(url).context["form"]
    assert form["planned_end_date"].value() == shorter  # what is drafted, not the version in force
    client.post(url, {"role": "responsible", "planned_end_date": shorter.isoformat()})
    row = RosterEntry.objects.get(change=second, person=person)
    assert (row.action, row.role) == (RosterEntry.Action.UPDATE, PersonRole.RESPONSIBLE)


def test_nobody_else_opens_the_edit_form(client, side, approval_contract):
    change = _open(side, approval_contract)
    person = _add(side, change).person
    url = reverse("contracts:roster_entry_change", args=[change.pk, person.pk])
    other = factories.side("o", "壬")
    for member in (side.contractor_staff, side.client_admin, side.auditor, other.contractor_admin):
        client.force_login(member.user)
        assert client.get(url).status_code == 404, member
        assert client.post(url, _form(full_name="他人 改名")).status_code == 404, member
    assert Person.objects.get(pk=person.pk).full_name == "下書 花子"
