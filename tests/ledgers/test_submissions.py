"""The information ledger submitted to the public body as of a chosen day (002 §10(3)): the rows
as they stood at the end of that day, the PDF and the xlsx made from them, the audit event that
meets the duty "10(3)-ledger-on-request", the public body told, and the pages that make and
hand over a submission."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from compliance.models import Duty
from compliance.services.duties import duty_request
from contracts.selectors.contracts import contract_approvers
from core.files import read_file
from core.models import Event, Notification
from core.wareki import format_wareki
from ledgers.models import LedgerSubmission
from ledgers.services.submissions import ledger_rows, ledger_submit, submission_xlsx
from tests.ledgers.applications import application
from tests.ledgers.test_device_services import _m, build_world
from tests.ledgers.test_information_services import _receive, _record

TODAY = timezone.localdate()


@pytest.fixture
def world(db):
    return build_world("002-")  # 所沢市: the ledger is submitted on request (§10(3))


@pytest.fixture
def history(world):
    """Three items: one received ten days ago and held, one received ten days ago and destroyed
    today under an approved disposal application, one received only today."""
    now = timezone.now()
    held = _receive(world, title="課税台帳（抽出）", occurred_at=now - timedelta(days=10)).item
    gone = _receive(world, title="旧申請書", occurred_at=now - timedelta(days=10)).item
    approved = application(world["side"], world["contract"], "disposal", items=[gone], method="dissolve")
    _record(world, gone, "destroyed", method="裁断", witness="市民税課 山田", request=approved)
    late = _receive(world, title="新規申請書", occurred_at=now - timedelta(minutes=1)).item
    return {"held": held, "gone": gone, "late": late}


PAST = TODAY - timedelta(days=1)


def _submit(world, as_of, **kw):
    return ledger_submit(contract=world["contract"], as_of=as_of, **kw, **_m(world["side"].contractor_admin))


def _text(data: bytes, tmp_path) -> str:
    path = tmp_path / "ledger.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    return "".join(out.split())


def test_the_rows_are_the_ledger_as_it_stood_at_the_end_of_the_day(world, history):
    org = world["side"].contractor.pk
    rows = ledger_rows(world["contract"], org, PAST)
    assert [r["title"] for r in rows] == ["課税台帳（抽出）", "旧申請書"]  # not yet the late one
    gone = rows[1]
    assert gone["status"] == "保管中" and gone["holder"] == "佐藤 花子" and gone["users"] == "佐藤 花子"
    assert gone["worksite"] == "本社 開発部" and gone["storage_place"] == "書庫A"
    assert gone["classification_label"] == "個人情報" and gone["medium_label"] == "紙"
    assert gone["last_event"] == "受領" and gone["record_count"] == 1200
    now_rows = ledger_rows(world["contract"], org, TODAY)
    assert [r["title"] for r in now_rows] == ["課税台帳（抽出）", "旧申請書", "新規申請書"]
    assert now_rows[1]["status"] == "廃棄" and now_rows[1]["last_event"] == "廃棄"


def test_a_submission_keeps_both_files_and_records_the_event(world, history, tmp_path):
    as_of = PAST
    submission = _submit(world, as_of, note="市民税課の求めによる")
    assert (submission.item_count, submission.as_of, submission.organisation_id) == (
        2,
        as_of,
        world["side"].contractor.pk,
    )
    event = Event.objects.get(kind="information_ledger.submitted")
    assert event.object_id == str(submission.pk) and event.contract_id == world["contract"].pk
    assert event.data["as_of"] == as_of.isoformat() and event.data["items"] == 2
    assert event.data["pdf_sha256"] == submission.pdf.sha256
    assert event.data["xlsx_sha256"] == submission.xlsx_sha256
    assert submission.pdf.purpose == "information_ledger"

    flat = _text(read_file(submission.pdf), tmp_path)
    assert "情報管理台帳" in flat and world["contract"].number in flat
    assert f"{format_wareki(as_of)}現在".replace(" ", "") in flat
    assert "課税台帳（抽出）" in flat and "旧申請書" in flat and "新規申請書" not in flat
    assert "1/1" in flat and "personal" not in flat

    sheet = load_workbook(io.BytesIO(submission_xlsx(submission))).active
    assert sheet.title == "情報管理台帳"
    assert [c.value for c in sheet[1]][:3] == ["台帳番号", "情報の名称", "受領元"]
    assert [sheet.cell(row=r, column=2).value for r in (2, 3)] == ["課税台帳（抽出）", "旧申請書"]
    assert sheet.cell(row=3, column=8).value == "保管中" and sheet.cell(row=4, column=1).value is None


def test_the_public_body_is_told(world, history):
    _submit(world, TODAY)
    url = reverse("ledgers:submission_list", args=[world["contract"].pk])
    told = Notification.objects.filter(url=url)
    approvers = {u.pk for u in contract_approvers(world["contract"])}
    assert approvers and {n.user_id for n in told} == approvers
    assert all(world["contract"].number in n.title for n in told)


def test_the_duty_on_request_is_met_by_the_submission(world, history):
    contract = world["contract"]
    duty_request(
        contract=contract, obligation_key="10(3)-ledger-on-request", **_m(world["side"].client_admin)
    )
    duty = Duty.objects.get(contract=contract, obligation__key="10(3)-ledger-on-request")
    assert duty.state == Duty.State.OPEN
    _submit(world, TODAY)
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED


def test_a_day_in_the_future_or_before_the_contract_is_refused(world, history):
    with pytest.raises(ValidationError) as exc:
        _submit(world, TODAY + timedelta(days=1))
    assert "as_of" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _submit(world, world["contract"].start_date - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        ledger_submit(contract=world["contract"], as_of=TODAY, **_m(world["side"].client_admin))
    assert not LedgerSubmission.objects.exists()


def test_the_pages_make_and_hand_over_a_submission(client, world, history):
    contract = world["contract"]
    client.force_login(world["side"].contractor_admin.user)
    listing = reverse("ledgers:information_list", args=[contract.pk])
    url = reverse("ledgers:submission_list", args=[contract.pk])
    assert url in client.get(listing).content.decode()
    response = client.post(url, {"as_of": (PAST).isoformat(), "note": ""})
    assert response.status_code == 302
    submission = LedgerSubmission.objects.get()
    pdf = client.get(reverse("ledgers:submission_pdf", args=[submission.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Event.objects.filter(kind="file.downloaded", object_id=str(submission.pdf_id)).exists()
    xlsx = client.get(reverse("ledgers:submission_xlsx", args=[submission.pk]))
    assert xlsx.status_code == 200 and xlsx.content == submission_xlsx(submission)
    assert Event.objects.filter(
        kind="information_ledger.viewed", data__format="xlsx", data__submission=submission.pk
    ).exists()
    # The public body's staff reads the list and the files; it submits nothing.
    client.force_login(world["side"].client_staff.user)
    page = client.get(url)
    assert (
        page.status_code == 200
        and reverse("ledgers:submission_pdf", args=[submission.pk]) in page.content.decode()
    )
    assert client.post(url, {"as_of": TODAY.isoformat()}).status_code == 404
    assert client.get(reverse("ledgers:submission_pdf", args=[submission.pk])).status_code == 200


@pytest.mark.parametrize("count", [1, 4])
def test_the_list_page_queries_do_not_grow_with_its_rows(
    client, world, history, django_assert_num_queries, count
):
    for _ in range(count):
        _submit(world, TODAY)
    client.force_login(world["side"].client_staff.user)
    url = reverse("ledgers:submission_list", args=[world["contract"].pk])
    # Session, user, membership, contract and its access (4), the submissions, the record on
    # the audit trail that the page was read (5: a note may name people), then the page's shared
    # parts: the same for one submission as for four.
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200
