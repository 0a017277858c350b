"""Work sites (作業場所): declared in a change, approved in advance, history kept (002 §5, 003 §13,
§15, 000 §5.6(1))."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from contracts.models import (
    SecureAreaRulesAcknowledgement,
    StoragePlace,
    Worksite,
    WorksiteAssignment,
    WorksiteChange,
    WorksiteEntry,
)
from contracts.pdf.worksites import WORKSITE_FORM
from contracts.selectors.worksites import open_change, sites_in_force, sites_with_change
from contracts.services import contract_activate, contract_create
from contracts.services.roster import roster_change_open, roster_person_add
from contracts.services.worksites import (
    secure_area_rules_acknowledge,
    worksite_add,
    worksite_change_act,
    worksite_change_open,
    worksite_entry_discard,
    worksite_remove,
    worksite_update,
)
from core import pdf
from core.approvals import ApprovalAction as A
from core.models import Event
from tests.contracts.conftest import END, START, TODAY

OFFICE = {
    "kind": "contractor_office",
    "name": "本社 開発部",
    "address": "埼玉県所沢市並木一丁目1番地",
    "rooms": "3階 301号室",
}
CABINET = {"name": "書庫A", "protection": "locked_cabinet", "description": ""}


def _m(side, who="contractor_admin"):
    m = getattr(side, who)
    return {"actor": m.user, "actor_membership": m}


def _open(side, contract):
    return worksite_change_open(contract=contract, **_m(side))


def _add(side, change, *, storage=(CABINET,), people=(), **site):
    values = {**OFFICE, **site}
    return worksite_add(
        change=change, storage_places=list(storage), people=list(people), **values, **_m(side)
    )


def _act(side, change, action, reason="", *, who="contractor_admin"):
    return worksite_change_act(change=change, action=action, reason=reason, **_m(side, who))


def _approved(side, contract, **site):
    change = _open(side, contract)
    entry = _add(side, change, **site)
    _act(side, change, A.SUBMIT)
    _act(side, change, A.APPROVE, who="client_staff")
    return entry.worksite


def _rostered(side, contract, name="作業 太郎"):
    """Someone in the contract's open roster change (enough to be declared at a site)."""
    change = roster_change_open(contract=contract, **_m(side))
    return roster_person_add(
        change=change, full_name=name, start_date=START + timedelta(days=10), **_m(side)
    ).person


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


# --- the cycle and the duties -------------------------------------------------------------------


def test_full_cycle_is_approved_in_advance_and_fulfils_the_clauses(side, approval_contract):
    change = _open(side, approval_contract)
    assert _open(side, approval_contract) == change  # one open change at a time
    site = _add(side, change).worksite
    annex_storage = {"name": "別館 保管室", "protection": "access_controlled_room", "description": ""}
    annex = _add(
        side, change, name="所沢市役所 別館", kind="public_body_premises", storage=[annex_storage]
    ).worksite
    change = _act(side, change, A.SUBMIT)
    assert change.submitted_pdf is not None
    # Submitted is not approved: no site may be used yet.
    assert not sites_in_force(approval_contract).exists()
    assert [e.name for e in sites_in_force(approval_contract, pending=True)] == [
        "本社 開発部",
        "所沢市役所 別館",
    ]
    # The first declaration is approved by §5.1 (before work), not as a change of work site (§5.2,
    # which opens for each later change: see the application PDF test).
    assert not Duty.objects.filter(contract=approval_contract, obligation__key="5.2-worksite-change").exists()
    with pytest.raises(ValidationError) as exc:
        _act(side, change, A.RETURN, "", who="client_staff")
    assert exc.value.message_dict["reason"]
    change = _act(side, change, A.RETURN, "別館での作業は不要です", who="client_staff")
    assert change.approval_state == "returned" and change.decision_reason == "別館での作業は不要です"
    worksite_entry_discard(change=change, worksite=annex, **_m(side))
    assert not Worksite.objects.filter(pk=annex.pk).exists()  # drafted, taken out: no trace
    change = _act(side, change, A.SUBMIT)
    change = _act(side, change, A.APPROVE, who="client_staff")
    assert change.approval_state == "approved" and change.effective_at is not None
    in_force = list(sites_in_force(approval_contract))
    assert [(e.worksite_id, e.name) for e in in_force] == [(site.pk, "本社 開発部")]
    assert [(p.name, p.protection) for p in in_force[0].storage_places.all()] == [("書庫A", "locked_cabinet")]
    kinds = list(
        Event.objects.filter(contract_id=approval_contract.pk, kind__startswith="worksite.")
        .exclude(kind__in=["worksite.change_opened", "worksite.entry_drafted", "worksite.entry_discarded"])
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["worksite.submitted", "worksite.returned", "worksite.submitted", "worksite.approved"]
    # 002 §5.1 (before work) is fulfilled by the approval itself.
    fulfilled = Duty.objects.filter(
        contract=approval_contract, obligation__kind="worksite-approval", state=Duty.State.FULFILLED
    )
    assert set(fulfilled.values_list("obligation__key", "subject")) == {("5.1-worksite-approval", "")}
    assert fulfilled.get().evidence_event.kind == "worksite.approved"
    assert open_change(approval_contract) is None


def test_withdrawn_change_is_edited_again_and_a_submitted_one_is_not(side, approval_contract):
    change = _open(side, approval_contract)
    _add(side, change)
    _act(side, change, A.SUBMIT)
    with pytest.raises(ValidationError):
        _add(side, change, name="別の場所")
    change = _act(side, change, A.WITHDRAW)
    assert change.approval_state == "draft"
    _add(side, change, name="別の場所")
    assert change.entries.count() == 2


def test_an_empty_change_cannot_be_submitted(side, approval_contract):
    change = _open(side, approval_contract)
    with pytest.raises(ValidationError) as exc:
        _act(side, change, A.SUBMIT)
    assert exc.value.messages == [gettext("Declare at least one work site or change before submitting.")]


# --- history ------------------------------------------------------------------------------------


def test_a_change_never_overwrites_the_approved_history(side, approval_contract):
    site = _approved(side, approval_contract, name="旧 事務所")
    first = WorksiteChange.objects.get(contract=approval_contract, number=1)
    # As if the first declaration had been approved ten days ago.
    WorksiteChange.objects.filter(pk=first.pk).update(effective_at=timezone.now() - timedelta(days=10))
    old_entry = WorksiteEntry.objects.get(worksite=site)

    second = _open(side, approval_contract)
    worksite_update(
        change=second,
        worksite=site,
        storage_places=[{"name": "金庫", "protection": "safe", "description": ""}],
        **{**OFFICE, "name": "新 事務所"},
        **_m(side),
    )
    other = _add(side, second, name="データセンター", kind="data_centre").worksite
    _act(side, second, A.SUBMIT)
    # Waiting for the decision, the approved version stays in force.
    assert [e.name for e in sites_in_force(approval_contract)] == ["旧 事務所"]
    _act(side, second, A.APPROVE, who="client_staff")

    five_days_ago = TODAY - timedelta(days=5)
    past = list(sites_in_force(approval_contract, five_days_ago))
    assert [(e.name, [p.name for p in e.storage_places.all()]) for e in past] == [("旧 事務所", ["書庫A"])]
    now = list(sites_in_force(approval_contract))
    assert [(e.name, [p.name for p in e.storage_places.all()]) for e in now] == [
        ("新 事務所", ["金庫"]),
        ("データセンター", ["書庫A"]),
    ]
    assert not sites_in_force(approval_contract, TODAY - timedelta(days=11)).exists()
    # The approved version is untouched: the change added a new one.
    old_entry.refresh_from_db()
    assert old_entry.name == "旧 事務所" and [p.name for p in old_entry.storage_places.all()] == ["書庫A"]

    # A third change stops using the data centre; it stays in the history.
    third = _open(side, approval_contract)
    removal = worksite_remove(change=third, worksite=other, **_m(side))
    assert removal.action == "remove" and removal.name == "データセンター"
    _act(side, third, A.SUBMIT)
    _act(side, third, A.APPROVE, who="client_staff")
    assert [e.name for e in sites_in_force(approval_contract)] == ["新 事務所"]
    assert list(
        WorksiteEntry.objects.filter(worksite=other)
        .order_by("change__number")
        .values_list("action", flat=True)
    ) == ["add", "remove"]


def test_an_update_that_changes_nothing_is_refused(side, approval_contract):
    site = _approved(side, approval_contract)
    change = _open(side, approval_contract)
    with pytest.raises(ValidationError):
        worksite_update(change=change, worksite=site, storage_places=[CABINET], **OFFICE, **_m(side))
    assert not change.entries.exists()


def test_the_list_page_shows_a_past_date(client, side, approval_contract):
    _approved(side, approval_contract)
    client.force_login(side.auditor.user)
    url = reverse("contracts:worksites", args=[approval_contract.pk])
    today = client.get(url)
    assert "本社 開発部" in today.content.decode() and "書庫A" in today.content.decode()
    before = client.get(url, {"on": (TODAY - timedelta(days=1)).isoformat()})
    assert not before.context["page"].object_list
    # No names of people on the page: nothing personal to record.
    assert not Event.objects.filter(kind="worksite.viewed").exists()


# --- permissions --------------------------------------------------------------------------------


def test_only_the_contractors_manager_declares_and_only_the_public_body_decides(side, approval_contract):
    for who in ("contractor_staff", "client_admin", "client_staff", "auditor"):
        with pytest.raises(PermissionDenied):
            worksite_change_open(contract=approval_contract, **_m(side, who))
    change = _open(side, approval_contract)
    for who in ("contractor_staff", "client_staff"):
        with pytest.raises(PermissionDenied):
            worksite_add(change=change, storage_places=[], **OFFICE, **_m(side, who))
    _add(side, change)
    with pytest.raises(PermissionDenied):
        _act(side, change, A.SUBMIT, who="client_staff")
    _act(side, change, A.SUBMIT)
    for who in ("contractor_admin", "contractor_staff", "auditor"):
        with pytest.raises(PermissionDenied):
            _act(side, change, A.APPROVE, who=who)
    change.refresh_from_db()
    assert change.approval_state == "submitted" and change.effective_at is None


def test_views_refuse_the_wrong_side(client, side, approval_contract):
    change = _open(side, approval_contract)
    entry = _add(side, change)
    client.force_login(side.contractor_staff.user)
    assert client.get(reverse("contracts:worksite_change", args=[change.pk])).status_code == 200
    assert client.get(reverse("contracts:worksite_add", args=[change.pk])).status_code == 404
    assert (
        client.post(
            reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "submit"}
        ).status_code
        == 404
    )
    client.force_login(side.client_staff.user)
    assert (
        client.get(reverse("contracts:worksite_edit", args=[change.pk, entry.worksite_id])).status_code == 404
    )
    client.force_login(side.contractor_admin.user)
    client.post(reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "submit"})
    assert (
        client.post(
            reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "approve"}
        ).status_code
        == 404
    )
    change.refresh_from_db()
    assert change.approval_state == "submitted"


# --- validation ---------------------------------------------------------------------------------


def test_service_validation_names_the_field(side, approval_contract, notice_contract):
    change = _open(side, approval_contract)
    with pytest.raises(ValidationError) as exc:
        worksite_add(
            change=change,
            kind="contractor_office",
            name=" ",
            address="",
            storage_places=[
                {"name": "書庫", "protection": ""},
                {"name": "", "protection": "other", "description": ""},
            ],
            **_m(side),
        )
    assert exc.value.message_dict == {
        "name": [gettext("Enter the name of the work site.")],
        "address": [gettext("Enter the address of the work site.")],
        "storage_places-0-protection": [gettext("Choose how the storage place is protected.")],
        "storage_places-1-name": [gettext("Enter the name of the storage place.")],
        "storage_places-1-description": [gettext("Describe how the storage place is protected.")],
    }
    # Only people on this contract's roster can be declared at a site.
    stranger = _rostered(side, notice_contract, "他契約 花子")
    with pytest.raises(ValidationError) as exc:
        _add(side, change, people=[stranger])
    assert list(exc.value.message_dict) == ["people"]
    assert not WorksiteEntry.objects.filter(change=change).exists()


def _form(name="本社 開発部", **kw):
    data = {
        "kind": "contractor_office",
        "name": name,
        "address": "埼玉県所沢市並木一丁目1番地",
        "rooms": "3階",
        "notes": "",
        "storage_places-TOTAL_FORMS": "2",
        "storage_places-INITIAL_FORMS": "0",
        "storage_places-MIN_NUM_FORMS": "0",
        "storage_places-MAX_NUM_FORMS": "1000",
        "storage_places-0-name": "書庫A",
        "storage_places-0-protection": "locked_cabinet",
        "storage_places-0-description": "",
        "storage_places-1-name": "",
        "storage_places-1-protection": "",
        "storage_places-1-description": "",
    }
    data.update(kw)
    return data


def test_form_errors_are_shown_at_their_fields_and_input_is_kept(client, side, approval_contract):
    change = _open(side, approval_contract)
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:worksite_add", args=[change.pk])
    response = client.post(url, _form(name="", address=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == [gettext("Enter the name of the work site.")]
    assert errors["address"] == [gettext("Enter the address of the work site.")]
    # A storage place without its protection: the message is at that row's field.
    response = client.post(
        url,
        _form(**{"storage_places-1-name": "金庫", "storage_places-1-protection": "other"}),
    )
    row = response.context["formset"].forms[1]
    assert row.errors["description"] == [gettext("Describe how the storage place is protected.")]
    assert response.context["form"]["name"].value() == "本社 開発部"
    assert 'id="id_storage_places-1-description_error"' in response.content.decode()
    assert not WorksiteEntry.objects.filter(change=change).exists()


# --- the three roles through the pages ----------------------------------------------------------


def test_manager_declares_approver_returns_then_approves_auditor_reads(client, side, approval_contract):
    person = _rostered(side, approval_contract)
    client.force_login(side.contractor_admin.user)
    response = client.post(reverse("contracts:worksite_change_open", args=[approval_contract.pk]))
    change = WorksiteChange.objects.get(contract=approval_contract)
    assert response.url == reverse("contracts:worksite_change", args=[change.pk])
    page = client.get(reverse("contracts:worksite_add", args=[change.pk]))
    assert "作業 太郎" in page.content.decode()  # the roster's names are offered …
    assert Event.objects.filter(kind="worksite.viewed", actor=side.contractor_admin.user).count() == 1
    response = client.post(reverse("contracts:worksite_add", args=[change.pk]), _form(people=[person.pk]))
    assert response.status_code == 302
    entry = WorksiteEntry.objects.get(change=change)
    assert [a.person for a in entry.assignments.all()] == [person]
    client.post(reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "submit"})

    client.force_login(side.client_staff.user)
    page = client.get(reverse("contracts:worksite_change", args=[change.pk])).content.decode()
    assert "本社 開発部" in page and "作業 太郎" in page and "書庫A" in page
    client.post(
        reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "return", "reason": ""}
    )
    change.refresh_from_db()
    assert change.approval_state == "submitted"  # no reason: refused, nothing changed
    client.post(
        reverse("contracts:worksite_change_act", args=[change.pk]),
        {"action": "return", "reason": "部屋番号を記入"},
    )
    change.refresh_from_db()
    assert change.approval_state == "returned"

    client.force_login(side.contractor_admin.user)
    assert (
        "部屋番号を記入"
        in client.get(reverse("contracts:worksite_change", args=[change.pk])).content.decode()
    )
    edit = reverse("contracts:worksite_edit", args=[change.pk, entry.worksite_id])
    form = client.get(edit).context["form"]
    assert form.initial["people"] == [person.pk]
    storage_initial = _form(
        rooms="3階 301号室",
        people=[person.pk],
        **{"storage_places-TOTAL_FORMS": "3", "storage_places-INITIAL_FORMS": "1"},
    )
    storage_initial.update({f"storage_places-2-{f}": "" for f in ("name", "protection", "description")})
    assert client.post(edit, storage_initial).status_code == 302
    assert WorksiteEntry.objects.get(change=change).rooms == "3階 301号室"
    client.post(reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "submit"})
    client.force_login(side.client_staff.user)
    client.post(reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "approve"})
    change.refresh_from_db()
    assert change.approval_state == "approved" and change.effective_at

    client.force_login(side.auditor.user)
    page = client.get(reverse("contracts:worksites", args=[approval_contract.pk])).content.decode()
    assert "3階 301号室" in page and "作業 太郎" in page and "書庫A" in page
    viewed = Event.objects.get(kind="worksite.viewed", actor=side.auditor.user)
    assert viewed.contract_id == approval_contract.pk
    # The auditor reads, but neither declares nor decides.
    assert client.get(reverse("contracts:worksite_add", args=[change.pk])).status_code == 404
    assert (
        client.post(
            reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "reject"}
        ).status_code
        == 404
    )


def test_a_page_without_names_records_no_view(client, side, approval_contract):
    change = _open(side, approval_contract)
    _add(side, change)
    # A draft is the contractor's until it is submitted (the public body gets 404): its manager reads it.
    client.force_login(side.contractor_admin.user)
    assert client.get(reverse("contracts:worksite_change", args=[change.pk])).status_code == 200
    assert not Event.objects.filter(kind="worksite.viewed").exists()


def test_removing_a_site_drafted_in_the_same_change_takes_it_out(client, side, approval_contract):
    site = _approved(side, approval_contract)
    change = _open(side, approval_contract)
    new = _add(side, change, name="仮設 事務所").worksite
    client.force_login(side.contractor_admin.user)
    client.post(reverse("contracts:worksite_remove", args=[change.pk, new.pk]))
    assert not Worksite.objects.filter(pk=new.pk).exists()
    client.post(reverse("contracts:worksite_remove", args=[change.pk, site.pk]))
    assert list(change.entries.values_list("worksite_id", "action")) == [(site.pk, "remove")]
    page = client.get(reverse("contracts:worksite_change", args=[change.pk])).content.decode()
    assert "本社 開発部" in page
    client.post(reverse("contracts:worksite_entry_discard", args=[change.pk, site.pk]))
    assert not change.entries.exists()
    assert Worksite.objects.filter(pk=site.pk).exists()  # approved before: kept
    assert StoragePlace.objects.filter(entry__worksite=site).count() == 1
    assert not WorksiteAssignment.objects.exists()


# --- the PDF form -------------------------------------------------------------------------------


def test_application_pdf_lists_the_sites_in_japanese_and_is_frozen_at_submission(
    client, side, approval_contract, tmp_path
):
    change = _open(side, approval_contract)
    _add(side, change, rooms="3階 301号室")
    client.force_login(side.contractor_admin.user)
    preview = client.get(reverse("contracts:worksite_change_pdf", args=[change.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    text = _pdf_text(preview.content, tmp_path)
    assert "作業場所承認申請書" in text
    assert "本社 開発部" in text and "3階 301号室" in text and "書庫A" in text
    assert "令和" in text and "R7-ROSTER-A" in text and side.body.name in text
    assert "発注者" in text and "受注者" in text  # the party words of 所沢市's clauses
    assert Event.objects.filter(kind="form.downloaded", data__form=WORKSITE_FORM).exists()

    change = _act(side, change, A.SUBMIT)
    client.force_login(side.client_staff.user)
    frozen = client.get(reverse("contracts:worksite_change_pdf", args=[change.pk]))
    assert frozen.status_code == 200
    assert pdf.pdf_sha256(frozen.content) == change.submitted_pdf.sha256
    assert Event.objects.filter(kind="file.downloaded", object_id=str(change.submitted_pdf_id)).exists()

    # The engine pre-fills the form for the duty that the submission opened (002 §5.2).
    _act(side, change, A.APPROVE, who="client_staff")
    second = _open(side, approval_contract)
    _add(side, second, name="第二 作業室")
    _act(side, second, A.SUBMIT)
    duty = Duty.objects.get(
        contract=approval_contract,
        obligation__key="5.2-worksite-change",
        subject=f"contracts.worksitechange:{second.pk}",
    )
    text = _pdf_text(pdf.render_form_for(WORKSITE_FORM, duty), tmp_path)
    assert "作業場所変更承認申請書" in text and "第二 作業室" in text and "本社 開発部" in text
    assert [e.name for e in sites_with_change(second)] == ["本社 開発部", "第二 作業室"]


# --- the public body's secure area (003 §15.1) ----------------------------------------------------


def test_secure_area_rules_acknowledgement_fulfils_the_kawasaki_duty(client, side):
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("003-*.yaml")))
    admin = side.client_admin
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-KAWASAKI-1",
        title="庁内作業",
        start_date=START,
        end_date=END,
        work_start_date=START + timedelta(days=10),
        clause_template=template,
        handles_personal_info=True,
        on_premises=True,
    )
    contract = contract_activate(actor=admin.user, actor_membership=admin, contract=contract, signed_on=START)
    duty = Duty.objects.get(contract=contract, obligation__kind="secure-area-rules")
    assert duty.state == Duty.State.OPEN
    with pytest.raises(ValidationError) as exc:
        secure_area_rules_acknowledge(
            contract=contract, rules_title="", received_on=TODAY + timedelta(days=1), **_m(side)
        )
    assert set(exc.value.message_dict) == {"rules_title", "received_on"}
    with pytest.raises(PermissionDenied):
        secure_area_rules_acknowledge(
            contract=contract, rules_title="規程", received_on=TODAY, **_m(side, "contractor_staff")
        )
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:secure_area_rules_acknowledge", args=[contract.pk])
    response = client.post(url, {"rules_title": "", "received_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert response.context["rules_form"].errors["rules_title"]
    response = client.post(
        url, {"rules_title": "情報セキュリティ管理区域入退室要領", "received_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    assert SecureAreaRulesAcknowledgement.objects.get(contract=contract).rules_title.endswith("入退室要領")
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event.kind == "worksite.rules_acknowledged"
    assert "入退室要領" in client.get(reverse("contracts:worksites", args=[contract.pk])).content.decode()


# --- performance --------------------------------------------------------------------------------


@pytest.mark.parametrize("sites", [1, 50])
def test_site_list_query_count_does_not_grow_with_sites(
    client, side, approval_contract, django_assert_num_queries, sites
):
    person = _rostered(side, approval_contract)
    change = _open(side, approval_contract)
    for i in range(sites):
        _add(
            side,
            change,
            name=f"作業場所 {i:02d}",
            storage=[CABINET, {"name": "金庫", "protection": "safe", "description": ""}],
            people=[person],
        )
    _act(side, change, A.SUBMIT)
    _act(side, change, A.APPROVE, who="client_staff")
    client.force_login(side.auditor.user)
    client.get(reverse("contracts:worksites", args=[approval_contract.pk]))
    # session, user, membership, contract, count, page of sites (changes joined), storage places,
    # assignments (people joined), the view's audit event (4, 5 with PostgreSQL's chain lock),
    # changes, open change, acknowledgements, whether the clauses ask approval or notice of the
    # sites, unread bell, session refresh (3).
    with django_assert_num_queries(21 if connection.vendor == "postgresql" else 20):
        response = client.get(reverse("contracts:worksites", args=[approval_contract.pk]))
    assert response.context["page"].paginator.count == sites
    assert Event.objects.filter(kind="worksite.viewed", actor=side.auditor.user).count() == 2
