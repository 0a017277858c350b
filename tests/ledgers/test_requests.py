"""The applications about the information held (copy, provision to a third party, bring-in,
return or disposal, models.requests): what each must say, what the ledger must allow, the one
approval workflow deciding them, the custody event that names the approved one, and the
certificate of return or disposal once everything it covers is gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import Event, Notification, StoredFile
from ledgers.models import CopyRequest, DisposalRequest, LedgerRequest
from ledgers.selectors.information import Status, item_state
from ledgers.services.devices import device_update
from ledgers.services.requests import (
    certificate_gaps,
    disposal_certificate_issue,
    request_act,
    request_create,
    subject_of,
)
from tests.ledgers.applications import DEFAULTS, application
from tests.ledgers.test_device_services import PC, _m, _register, build_world
from tests.ledgers.test_information_services import _receive, _record

TOMORROW = timezone.localdate() + timedelta(days=1)


@pytest.fixture
def world(db):
    return build_world("002-")  # 所沢市: copies (§13), provision (§8), disposal (§15.2) approved first


def _draft(world, kind, **values):
    fields = {**DEFAULTS[kind], "planned_on": TOMORROW, **values}
    return request_create(
        contract=world["contract"], kind=kind, **fields, **_m(world["side"].contractor_admin)
    )


def test_each_kind_is_numbered_on_its_own_and_kept_as_its_kind(world):
    item = _receive(world).item
    first = _draft(world, "copy", items=[item])
    second = _draft(world, "copy", items=[item])
    disposal = _draft(world, "disposal", items=[item])
    assert (first.number, second.number, disposal.number) == (1, 2, 1)
    assert type(first) is CopyRequest and type(disposal) is DisposalRequest
    assert list(CopyRequest.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert LedgerRequest.objects.count() == 3
    # What another kind would ask is not kept: a disposal says no number of copies.
    assert disposal.copies is None and first.method == ""


@pytest.mark.parametrize(
    ("kind", "missing", "field"),
    [
        ("copy", {"copies": None}, "copies"),
        ("disclosure", {"counterpart": ""}, "counterpart"),
        ("bringin", {"safeguards": ""}, "safeguards"),
        ("disposal", {"method": ""}, "method"),
        ("copy", {"purpose": ""}, "purpose"),
    ],
)
def test_what_each_kind_must_say_is_asked_at_its_field(world, kind, missing, field):
    item = _receive(world).item
    target = {"devices": [_register(world).device]} if kind == "bringin" else {"items": [item]}
    with pytest.raises(ValidationError) as exc:
        _draft(world, kind, **target, **missing)
    assert field in exc.value.message_dict


def test_an_application_is_made_before_the_act_and_about_what_the_party_holds(world):
    item = _receive(world).item
    with pytest.raises(ValidationError) as exc:
        _draft(world, "copy", items=[item], planned_on=timezone.localdate() - timedelta(days=1))
    assert "planned_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _draft(world, "copy")  # nothing chosen
    assert "items" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _draft(world, "bringin", items=[item])  # a bring-in concerns devices and media
    assert "items" in exc.value.message_dict
    _record(world, item, "returned", counterpart="市民税課 山田")
    with pytest.raises(ValidationError) as exc:
        _draft(world, "disposal", items=[item])
    assert "No. 1" in exc.value.message_dict["items"][0] or "1" in exc.value.message_dict["items"][0]


def test_a_device_with_an_out_of_date_anti_virus_pattern_is_not_brought_in(world):
    version = _register(world, antivirus_pattern_date=timezone.localdate() - timedelta(days=45))
    with pytest.raises(ValidationError) as exc:
        _draft(world, "bringin", devices=[version.device])
    assert "PC-001" in exc.value.message_dict["devices"][0]
    device_update(
        device=version.device,
        **{**PC, "holder": world["worker"], "worksite": world["office"], "storage_place": "書庫A"},
        note="ウイルス定義を更新",
        **_m(world["side"].contractor_admin),
    )
    assert _draft(world, "bringin", devices=[version.device]).number == 1


def test_the_public_body_decides_and_hears_of_the_submission(world):
    side = world["side"]
    item = _receive(world).item
    request = application(side, world["contract"], "copy", items=[item], decide=None)
    assert request.approval_state == "submitted"
    assert Event.objects.filter(kind="copy.submitted", object_id=str(request.pk)).exists()
    # The contract's approvers hear of it (contracts.selectors.contract_approvers).
    assert Notification.objects.filter(user=side.client_admin.user, title__contains="No.1").exists()
    # The applicant cannot approve its own application.
    with pytest.raises(PermissionDenied):
        request_act(request=request, action="approve", **_m(side.contractor_admin))
    request = request_act(request=request, action="approve", **_m(side.client_staff))
    assert request.approval_state == "approved"
    approved = Event.objects.get(kind="copy.approved")
    assert approved.object_type == "ledgers.copyrequest" and approved.object_id == str(request.pk)


def test_a_rejected_application_ends_the_duty_of_obtaining_its_approval(world):
    item = _receive(world).item
    request = application(world["side"], world["contract"], "disclosure", items=[item], decide="reject")
    rejected = Event.objects.get(kind="disclosure.rejected")
    assert rejected.data["ended_subjects"] == [subject_of(request)]
    assert subject_of(request) == f"ledgers.disclosurerequest:{request.pk}"


def test_a_copy_names_an_approved_request_for_the_item_and_stays_within_its_count(world):
    side = world["side"]
    item, other = _receive(world).item, _receive(world).item
    pending = application(side, world["contract"], "copy", items=[item], decide=None)
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "copied", copies=1, request=pending)
    assert "request" in exc.value.message_dict
    consent = application(side, world["contract"], "copy", items=[item], copies=2)
    with pytest.raises(ValidationError) as exc:
        _record(world, other, "copied", copies=1, request=consent)  # another item
    assert "request" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        # Before the approval (typed to the minute, a day earlier is before it).
        _record(
            world, item, "copied", copies=1, request=consent, occurred_at=timezone.now() - timedelta(days=1)
        )
    assert "request" in exc.value.message_dict
    _record(world, item, "copied", copies=1, request=consent)
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "copied", copies=2, request=consent)
    assert "copies" in exc.value.message_dict
    _record(world, item, "copied", copies=1, request=consent)
    assert item_state(item).copies == 2
    copied = Event.objects.filter(kind="information.copied").last()
    assert copied.data["subjects"] == [f"ledgers.informationitem:{item.pk}", subject_of(consent)]


def test_a_provision_to_a_third_party_needs_the_public_bodys_consent(world):
    item = _receive(world).item
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "provided", counterpart="株式会社 印刷工房")
    assert "request" in exc.value.message_dict
    consent = application(world["side"], world["contract"], "disclosure", items=[item])
    event = _record(world, item, "provided", counterpart="株式会社 印刷工房", request=consent)
    assert event.request_id == consent.pk
    assert item_state(item).status == Status.HELD  # what was provided is the third party's now
    assert Event.objects.filter(kind="information.provided").count() == 1


def test_a_disposal_under_its_approved_application_is_recorded_and_certified(world, settings):
    side = world["side"]
    item, other = _receive(world).item, _receive(world).item
    with pytest.raises(ValidationError) as exc:
        _record(world, item, "erased", method="専用ソフトによる上書き消去")
    assert "request" in exc.value.message_dict
    disposal = application(side, world["contract"], "disposal", items=[item, other])
    assert certificate_gaps(disposal) and len(certificate_gaps(disposal)) == 2
    erased = _record(
        world, item, "erased", method="専用ソフトによる上書き消去", request=disposal, witness="市民税課 山田"
    )
    recorded = Event.objects.get(kind="disposal.recorded")
    assert recorded.data["subjects"] == [f"ledgers.informationitem:{item.pk}", subject_of(disposal)]
    assert recorded.data["witnessed"] is True and erased.witness == "市民税課 山田"
    with pytest.raises(ValidationError) as exc:
        disposal_certificate_issue(request=disposal, **_m(side.contractor_admin))
    assert "第2号" in " ".join(exc.value.messages)  # the item still held
    _record(world, other, "returned", counterpart="市民税課 山田")
    assert certificate_gaps(disposal) == []
    with pytest.raises(PermissionDenied):
        disposal_certificate_issue(request=disposal, **_m(side.client_staff))
    stored = disposal_certificate_issue(request=disposal, **_m(side.contractor_admin))
    assert isinstance(stored, StoredFile) and stored.purpose == "disposal_certificate"
    issued = Event.objects.get(kind="disposal.certificate_issued")
    assert issued.data["subject"] == subject_of(disposal) and issued.data["file"] == stored.pk
    assert issued.object_type == "ledgers.disposalrequest"


def test_an_unapproved_disposal_application_has_no_certificate(world):
    item = _receive(world).item
    disposal = application(world["side"], world["contract"], "disposal", items=[item], decide=None)
    assert certificate_gaps(disposal) == ["証明書を発行できるのは承認済みの返還・廃棄の申請だけです。"]


def test_drafting_and_changing_an_application_are_on_the_record_and_its_history(world):
    from ledgers.selectors.requests import request_history
    from ledgers.services.requests import request_update

    item = _receive(world).item
    draft = _draft(world, "copy", items=[item])
    fields = {**DEFAULTS["copy"], "planned_on": TOMORROW, "copies": 3}
    request_update(request=draft, items=[item], **fields, **_m(world["side"].contractor_admin))
    request_act(request=draft, action="submit", **_m(world["side"].contractor_admin))
    kinds = list(
        Event.objects.filter(object_id=str(draft.pk), kind__startswith="copy.")
        .values_list("kind", flat=True)
        .order_by("pk")
    )
    assert kinds == ["copy.drafted", "copy.changed", "copy.submitted"]
    assert [e.kind for e in request_history(draft)] == kinds
