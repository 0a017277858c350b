from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from contracts.models import Person, PersonRole, RosterChange, RosterEntry
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.models import Event
from tests.contracts.conftest import START, TODAY, upload_pledges


def _form(person="山田 花子", **kw):
    data = {
        "full_name": person,
        "full_name_kana": "やまだ はなこ",
        "role": "worker",
        "employment": "employee",
        "start_date": (START + timedelta(days=10)).isoformat(),
        "planned_end_date": "",
    }
    data.update(kw)
    return data


def test_contractor_builds_the_roster_and_the_public_body_returns_then_approves(
    client, side, approval_contract
):
    client.force_login(side.contractor_admin.user)
    response = client.post(reverse("contracts:roster_change_open", args=[approval_contract.pk]))
    change = RosterChange.objects.get(contract=approval_contract)
    assert response.url == reverse("contracts:roster_change", args=[change.pk])
    # A dispatch worker without the confirmation is refused at the field; the name is kept.
    response = client.post(
        reverse("contracts:roster_person_add", args=[change.pk]), _form("派遣 次郎", employment="dispatch")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["dispatch_terms_confirmed"]
    assert response.context["form"]["full_name"].value() == "派遣 次郎"
    client.post(
        reverse("contracts:roster_person_add", args=[change.pk]),
        _form("派遣 次郎", employment="dispatch", dispatch_terms_confirmed="on"),
    )
    client.post(
        reverse("contracts:roster_person_add", args=[change.pk]), _form("作業 責任者", role="responsible")
    )
    client.post(reverse("contracts:roster_change_act", args=[change.pk]), {"action": "submit"})
    change.refresh_from_db()
    assert change.approval_state == "submitted"

    client.force_login(side.client_staff.user)
    page = client.get(reverse("contracts:roster_change", args=[change.pk])).content.decode()
    assert "派遣 次郎" in page and "作業 責任者" in page
    client.post(reverse("contracts:roster_change_act", args=[change.pk]), {"action": "return", "reason": ""})
    change.refresh_from_db()
    assert change.approval_state == "submitted"  # no reason: refused, nothing changed
    client.post(
        reverse("contracts:roster_change_act", args=[change.pk]),
        {"action": "return", "reason": "所属を記入してください"},
    )
    change.refresh_from_db()
    assert change.approval_state == "returned" and change.decision_reason == "所属を記入してください"

    client.force_login(side.contractor_admin.user)
    assert (
        "所属を記入してください"
        in client.get(reverse("contracts:roster_change", args=[change.pk])).content.decode()
    )
    client.post(reverse("contracts:roster_change_act", args=[change.pk]), {"action": "submit"})
    client.force_login(side.client_staff.user)
    client.post(reverse("contracts:roster_change_act", args=[change.pk]), {"action": "approve"})
    change.refresh_from_db()
    assert change.approval_state == "approved" and change.effective_at

    # The auditor sees the roster in force today, and an empty one before the approval.
    client.force_login(side.auditor.user)
    today = client.get(reverse("contracts:roster", args=[approval_contract.pk])).content.decode()
    assert "派遣 次郎" in today and "作業 責任者" in today
    before = client.get(
        reverse("contracts:roster", args=[approval_contract.pk]),
        {"on": (TODAY - timedelta(days=1)).isoformat()},
    )
    assert not before.context["page"].object_list
    assert Event.objects.filter(kind="roster.viewed", actor=side.auditor.user).count() == 2


def test_a_change_removes_someone_and_the_history_stays(client, side, notice_contract):
    contractor = side.contractor_admin
    first = roster_change_open(actor=contractor.user, actor_membership=contractor, contract=notice_contract)
    person = roster_person_add(
        actor=contractor.user,
        actor_membership=contractor,
        change=first,
        full_name="退任 三郎",
        start_date=START + timedelta(days=10),
    ).person
    upload_pledges(side, first)
    roster_change_act(actor=contractor.user, actor_membership=contractor, change=first, action="submit")
    client.force_login(contractor.user)
    client.post(reverse("contracts:roster_change_open", args=[notice_contract.pk]))
    second = RosterChange.objects.get(contract=notice_contract, number=2)
    response = client.post(
        reverse("contracts:roster_entry_change", args=[second.pk, person.pk]),
        {"role": "worker", "remove": "on", "planned_end_date": TODAY.isoformat()},
    )
    assert response.status_code == 302
    client.post(reverse("contracts:roster_change_act", args=[second.pk]), {"action": "submit"})
    assert list(
        RosterEntry.objects.filter(person=person).order_by("change__number").values_list("action", flat=True)
    ) == ["add", "remove"]
    assert not client.get(reverse("contracts:roster", args=[notice_contract.pk])).context["page"].object_list


@pytest.mark.parametrize("people", [5, 500])
def test_roster_page_query_count_at_500_people(
    client, side, approval_contract, django_assert_num_queries, people
):
    contractor = side.contractor_admin
    change = roster_change_open(
        actor=contractor.user, actor_membership=contractor, contract=approval_contract
    )
    persons = [
        Person(
            contract=approval_contract,
            data_key_id=approval_contract.data_key_id,
            full_name=f"職員 {i:03d}",
            employer=side.contractor,
        )
        for i in range(people)
    ]
    for p in persons:  # save(): the names are encrypted per row
        p.save()
    RosterEntry.objects.bulk_create(
        [
            RosterEntry(
                change=change,
                person=p,
                action="add",
                role=PersonRole.WORKER,
                start_date=START + timedelta(days=10),
            )
            for p in persons
        ]
    )
    # Under 所沢市's clauses pledges are asked for on request only: submit, then approve.
    roster_change_act(actor=contractor.user, actor_membership=contractor, change=change, action="submit")
    staff = side.client_staff
    roster_change_act(actor=staff.user, actor_membership=staff, change=change, action="approve")
    client.force_login(side.auditor.user)
    client.get(reverse("contracts:roster", args=[approval_contract.pk]))
    # session, user, membership, contract, count, page of entries (people, employers, changes
    # joined), changes, open change, the clauses' mode (approval or notice: one obligation
    # lookup), the view's audit event (4, 5 with PostgreSQL's chain lock), unread bell,
    # session refresh (3): the same at 5 or 500 people.
    with django_assert_num_queries(18 if connection.vendor == "postgresql" else 17):
        response = client.get(reverse("contracts:roster", args=[approval_contract.pk]))
    assert response.context["page"].paginator.count == people


def test_submitted_roster_waits_on_the_approvers_home(client, side, approval_contract):
    contractor = side.contractor_admin
    change = roster_change_open(
        actor=contractor.user, actor_membership=contractor, contract=approval_contract
    )
    roster_person_add(
        actor=contractor.user,
        actor_membership=contractor,
        change=change,
        full_name="承認 待子",
        start_date=START + timedelta(days=10),
    )
    client.force_login(side.client_staff.user)
    assert (
        reverse("contracts:roster_change", args=[change.pk])
        not in client.get(reverse("core:home")).content.decode()
    )
    upload_pledges(side, change)
    roster_change_act(actor=contractor.user, actor_membership=contractor, change=change, action="submit")
    assert (
        reverse("contracts:roster_change", args=[change.pk])
        in client.get(reverse("core:home")).content.decode()
    )


def test_roster_of_a_past_date_prints_as_pdf_in_japanese(client, side, notice_contract, tmp_path):
    import subprocess

    contractor = side.contractor_admin
    change = roster_change_open(actor=contractor.user, actor_membership=contractor, contract=notice_contract)
    roster_person_add(
        actor=contractor.user,
        actor_membership=contractor,
        change=change,
        full_name="印刷 花子",
        full_name_kana="いんさつ はなこ",
        start_date=START + timedelta(days=10),
    )
    upload_pledges(side, change)
    roster_change_act(actor=contractor.user, actor_membership=contractor, change=change, action="submit")
    client.force_login(side.auditor.user)
    response = client.get(
        reverse("contracts:roster_pdf", args=[notice_contract.pk]), {"on": TODAY.isoformat()}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "roster.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "業務従事者名簿" in text and "印刷 花子" in text and "甲" in text and "令和" in text
    assert Event.objects.filter(kind="roster.printed", contract_id=notice_contract.pk).exists()
    empty = client.get(
        reverse("contracts:roster_pdf", args=[notice_contract.pk]),
        {"on": (TODAY - timedelta(days=1)).isoformat()},
    )
    path.write_bytes(empty.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "該当者なし" in text and "印刷 花子" not in text


def _sheet(template: bytes, rows) -> bytes:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template))
    for row in rows:
        wb.worksheets[0].append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_roster_round_trips_through_excel_and_a_bad_sheet_changes_nothing(client, side, notice_contract):
    import io

    from openpyxl import load_workbook

    from contracts.spreadsheets.roster import ROSTER_SPEC
    from core.spreadsheets import build_template

    contractor = side.contractor_admin
    change = roster_change_open(actor=contractor.user, actor_membership=contractor, contract=notice_contract)
    client.force_login(contractor.user)
    template = client.get(reverse("contracts:roster_xlsx_template", args=[notice_contract.pk])).content

    # The same workbook as the engine builds (compared by content: the zip and docProps carry the
    # time of saving, so two builds a second apart differ in their bytes).
    def cells(data: bytes) -> list:
        book = load_workbook(io.BytesIO(data))

        def text(c):
            return (c.value, c.comment.text if c.comment else None)

        return [(ws.title, [[text(c) for c in row] for row in ws.iter_rows()]) for ws in book.worksheets]

    assert cells(template) == cells(build_template(ROSTER_SPEC))
    start = START + timedelta(days=10)
    lead = [
        "取込 一郎",
        "とりこみ いちろう",
        "責任者",
        "社員",
        "開発部",
        "主任",
        "運用",
        start,
        None,
        None,
        "",
    ]
    dispatch = ["取込 二郎", "", "従事者", "派遣労働者", "", "", "", start, None, "いいえ", ""]
    nameless = ["", "", "従事者", "社員", "", "", "", start, None, None, ""]
    url = reverse("contracts:roster_xlsx_import", args=[change.pk])
    # Row 2 is the template's example; our rows are 3, 4, 5. A cell error: reported, nothing applied.
    response = client.post(url, {"file": _upload("bad.xlsx", _sheet(template, [lead, dispatch, nameless]))})
    assert [(e.row, e.column) for e in response.context["cell_errors"]] == [(5, "A")]
    assert not RosterEntry.objects.filter(change=change).exists()
    # A rule of the clauses (the dispatch confirmation) is reported at its row and column too.
    response = client.post(url, {"file": _upload("bad2.xlsx", _sheet(template, [lead, dispatch]))})
    assert [(e.row, e.column) for e in response.context["cell_errors"]] == [(4, "J")]
    assert not RosterEntry.objects.filter(change=change).exists()
    response = client.post(url, {"file": _upload("good.xlsx", _sheet(template, [lead]))})
    assert response.status_code == 302
    assert list(RosterEntry.objects.filter(change=change).values_list("role", flat=True)) == ["responsible"]
    upload_pledges(side, change)
    roster_change_act(actor=contractor.user, actor_membership=contractor, change=change, action="submit")
    export = client.get(reverse("contracts:roster_xlsx_export", args=[notice_contract.pk]))
    exported = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert [c.value for c in exported[2]][:4] == ["取込 一郎", "とりこみ いちろう", "責任者", "社員"]


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
