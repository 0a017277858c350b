"""Closing a contract (契約の終了処理): the checklist lists what is still held, the devices not
returned or disposed of and the take-outs not brought back; the close is refused with them unless
the public body's manager gives a reason; anyone else is refused. Closing destroys the contract's
data key: afterwards no column anywhere in the database holds a readable name of that contract's
people, counterparts or witnesses, every encrypted value under the key reads as erased, the audit
trail still verifies and another contract is untouched. The certificate of erasure is rendered
outside the recording transaction and says what was erased, when, and until when backups hold it.
"""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import Duty
from contracts.models import Contract
from contracts.selectors.closing import close_gaps
from contracts.services import contract_create, contract_end
from contracts.services.closing import contract_close, erasure_certificate_issue
from contracts.services.roster import roster_change_open, roster_person_add
from core import audit, pdf
from core.fields import EncryptedTextField, ErasedValue
from core.files import file_response, read_file
from core.models import Event, StoredFile
from core.wareki import format_wareki
from ledgers.services.devices import device_update
from tests.ledgers.applications import application
from tests.ledgers.test_device_services import _m, _register, build_world
from tests.ledgers.test_information_services import _receive, _record, approved_takeout

COUNTERPART = "受渡 明子"
WITNESS = "立会 勇"
# The roster's names (build_world) and the names typed into the ledger.
NAMES = ("田中 一郎", "佐藤 花子", "鈴木 次郎", COUNTERPART, WITNESS)


@pytest.fixture
def world(db):
    return build_world("002-")  # 所沢市's clauses: a disposal is approved first (§15.2)


def _held(world, asset="PC-001"):
    """An item taken out under its approved take-out, and a PC in use: three gaps."""
    item = _receive(world, source="所沢市 市民税課", counterpart=COUNTERPART).item
    # A use: the checklist's replay must know who may use the item to get past it.
    _record(world, item, "used")
    takeout = approved_takeout(world, item)
    _record(
        world,
        item,
        "taken_out",
        takeout=takeout,
        destination="所沢市役所 会議室",
    )
    pc = _register(world, asset=asset).device
    return item, takeout, pc


def _disposed(world):
    """An item received from a named person, erased under its approved application before a
    named witness, and a USB memory disposed of: nothing left to hold the close."""
    item = _receive(world, source="所沢市 市民税課", counterpart=COUNTERPART).item
    usb = _register(
        world,
        asset="USB-1",
        kind="usb_memory",
        antivirus_product="",
        antivirus_pattern_date=None,
        patched_on=None,
    ).device
    disposal = application(
        world["side"], world["contract"], "disposal", items=[item], devices=[usb], method="erase"
    )
    _record(
        world, item, "erased", method="上書き消去", request=disposal, witness=WITNESS, note=f"{WITNESS}が確認"
    )
    device_update(
        device=usb, status="disposed", note="物理破壊の上、廃棄", **_m(world["side"].contractor_admin)
    )
    return item


def _end(world) -> Contract:
    return contract_end(contract=world["contract"], **_m(world["side"].client_admin))


def test_the_close_lists_what_is_outstanding_and_needs_the_public_bodys_reason(world):
    side = world["side"]
    item, takeout, _pc = _held(world)
    contract = _end(world)
    gaps = close_gaps(contract)
    assert [g.kind for g in gaps] == ["item", "device", "device", "takeout"] or {g.kind for g in gaps} == {
        "item",
        "device",
        "takeout",
    }
    assert all(g.overridable and g.link for g in gaps)
    assert any(g.link == reverse("ledgers:takeout_detail", args=[takeout.pk]) for g in gaps)
    with pytest.raises(ValidationError) as refused:
        contract_close(contract=contract, **_m(side.client_admin))
    assert "override_reason" in refused.value.message_dict
    assert item.title in " ".join(refused.value.message_dict["override_reason"])
    for other in (side.contractor_admin, side.auditor):
        with pytest.raises(PermissionDenied):
            contract_close(contract=contract, override_reason="理由", **_m(other))
    assert Contract.objects.get(pk=contract.pk).status == "ended"

    closed = contract_close(
        contract=contract, override_reason="機器は別契約で引き続き使用するため", **_m(side.client_admin)
    )
    assert closed.status == "closed" and closed.closed_at and closed.close_override_reason
    event = Event.objects.get(kind="contract.closed")
    assert (
        event.data["overridden"] is True
        and event.data["gaps"]["item"] == 1
        and "takeout" in event.data["gaps"]
    )
    assert set(event.data) == {"effective_date", "gaps", "overridden"}
    assert Event.objects.get(kind="data_key.destroyed", object_id=str(contract.data_key_id))
    # The duty engine ends what the contract still owed, as not needed (never as met).
    assert not Duty.objects.filter(
        contract=contract, state="open", obligation__survives_contract=False
    ).exists()
    assert Duty.objects.filter(contract=contract, state="waived").exists()
    # Nothing is recorded any more.
    with pytest.raises(PermissionDenied):
        _record(world, item, "brought_back", takeout=takeout)


def _text_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'jsonb', 'bytea')"
        )
        return cursor.fetchall()


def _found(names) -> list[tuple[str, str, str]]:
    hits = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            for name in names:
                for needle in {name, name.replace(" ", "")}:
                    cursor.execute(
                        f'SELECT count(*) FROM "{table}" WHERE position(%s in "{column}"::text) > 0', [needle]
                    )
                    if cursor.fetchone()[0]:
                        hits.append((table, column, needle))
    return hits


def test_after_the_close_the_database_holds_no_readable_personal_data_of_the_contract(
    world, django_capture_on_commit_callbacks
):
    side = world["side"]
    _disposed(world)
    other = contract_create(
        contractor=side.contractor,
        department=side.dept,
        number="R8-OTHER-1",
        title="別の業務",
        start_date=world["contract"].start_date,
        end_date=world["contract"].end_date,
        work_start_date=world["contract"].work_start_date,
        clause_template=world["contract"].clause_template,
        handles_personal_info=True,
        **_m(side.client_admin),
    )
    kept = roster_person_add(
        change=roster_change_open(contract=other, **_m(side.contractor_admin)),
        full_name="別件 太郎",
        affiliation="開発部",
        start_date=other.work_start_date,
        **_m(side.contractor_admin),
    ).person
    contract = _end(world)
    assert close_gaps(contract) == []
    # The commit makes this process forget the key (other processes within 60 s).
    with django_capture_on_commit_callbacks(execute=True):
        contract_close(contract=contract, **_m(side.client_admin))

    # Every encrypted value under the contract's key reads as erased.
    erased = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                rows = model._base_manager.filter(**{f"{field.key_field}_id": contract.data_key_id})
                for value in rows.values_list(field.attname, flat=True):
                    assert value == "" or isinstance(value, ErasedValue), (model, field.name)
                    erased += bool(value)
    assert erased >= 5  # the three people, the counterpart, the witness and the note at least
    # No text column of any table holds a name of the contract's people, counterparts or witnesses.
    assert _found(NAMES) == []
    assert audit.verify_chain().ok
    # A file under the key (a pledge, a certificate of return or disposal) is gone: 410, not 500.
    stored = StoredFile.objects.filter(data_key_id=contract.data_key_id).first()
    request = RequestFactory().get("/")
    request.user = side.client_admin.user
    assert file_response(request=request, stored=stored).status_code == 410
    # Another contract keeps its personal data.
    assert not Contract.objects.get(pk=other.pk).data_key.is_destroyed
    assert type(kept).objects.get(pk=kept.pk).full_name == "別件 太郎"


def test_the_erasure_certificate_is_rendered_before_it_is_recorded(world, tmp_path, monkeypatch, settings):
    side = world["side"]
    settings.BACKUP_RETENTION_DAYS = 30
    _disposed(world)
    contract = contract_close(contract=_end(world), **_m(side.client_admin))
    with pytest.raises(PermissionDenied):
        erasure_certificate_issue(contract=contract, **_m(side.auditor))
    render = pdf.render_form
    locked = []

    def watched(*args, **kwargs):
        locked.append(audit.chain_lock_held())
        return render(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_form", watched)
    stored = erasure_certificate_issue(contract=contract, **_m(side.client_admin))
    assert locked == [False]
    event = Event.objects.get(kind="contract.erasure_certificate_issued")
    assert event.data["file"] == stored.pk
    path = tmp_path / "erasure.pdf"
    path.write_bytes(read_file(stored))
    text = "".join(
        subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    contract.refresh_from_db()
    destroyed = Event.objects.get(kind="data_key.destroyed").occurred_at
    for words in (
        "消去証明書",
        f"契約番号{contract.number}",
        f"（発注者）{side.body.name}",
        f"契約「{contract.number}」の個人データの暗号鍵",
        format_wareki(destroyed),
        "60秒後",
        f"{format_wareki(destroyed + timedelta(days=30))}までに",
    ):
        assert words in text, words
    assert "contract:" not in text and "datakey" not in text.lower()


def test_the_close_page_lists_the_gaps_in_a_fixed_number_of_queries(world, client, tmp_path):
    side = world["side"]
    _held(world)
    _held(world, asset="PC-002")
    contract = _end(world)
    url = reverse("contracts:contract_close", args=[contract.pk])
    client.force_login(side.contractor_admin.user)
    assert client.get(url).status_code == 404
    client.force_login(side.client_admin.user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    (tmp_path / "close.html").write_text(page)
    assert "契約の終了処理" in page and "まだ保有している情報" in page and "override_reason" in page
    # The roster's and the work sites' submitted forms are kept under the contract's key.
    assert "終了処理の後は開けなくなる書類" in page and "名簿の提出書類：" in page
    # The items' events and who may use them are read once for the whole contract; with no
    # subcontractor among the keepers no organisation is read; one for the files under the key;
    # one for the incidents not closed (incidents.selectors.closing).
    assert len(queries) == 15, "\n".join(q["sql"][:150] for q in queries)


def test_what_a_closed_contract_left_pending_waits_for_nobody(world):
    from core.approvables import pending_for
    from ledgers.services.takeouts import takeout_request_act, takeout_request_create

    side = world["side"]
    item = _receive(world, source="所沢市 市民税課", counterpart=COUNTERPART).item
    request = takeout_request_create(
        contract=world["contract"],
        items=[item],
        person=world["worker"],
        purpose="説明",
        destination="市役所",
        planned_out_at=timezone.now() + timedelta(hours=1),
        planned_return_at=timezone.now() + timedelta(hours=2),
        protection="施錠ケース",
        **_m(side.contractor_admin),
    )
    takeout_request_act(request=request, action="submit", **_m(side.contractor_admin))
    approver = side.client_admin
    # The take-out and the roster change drafted in build_world wait for the body.
    waiting = pending_for(approver.user, approver, contract_id=world["contract"].pk)
    assert request in [row["object"] for row in waiting] and len(waiting) == 2
    contract = _end(world)
    contract_close(contract=contract, override_reason="情報は発注者が直接回収した", **_m(approver))
    assert pending_for(approver.user, approver, contract_id=contract.pk) == []


def test_the_close_page_names_the_documents_the_close_makes_unreadable(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contracts.selectors.closing import documents_lost_at_close
    from contracts.services.pledges import pledge_upload
    from tests.contracts.conftest import MINIMAL_PDF

    side = world["side"]
    for person in (world["worker"], world["newcomer"]):
        pledge_upload(
            person=person,
            uploaded=SimpleUploadedFile("誓約書.pdf", MINIMAL_PDF, content_type="application/pdf"),
            signed_on=timezone.localdate(),
            **_m(side.contractor_admin),
        )
    contract = _end(world)
    documents = dict(documents_lost_at_close(contract))
    assert documents["誓約書"] == 2 and "作業場所の申請書類" in documents
    client.force_login(side.client_admin.user)
    page = client.get(reverse("contracts:contract_close", args=[contract.pk])).content.decode()
    assert "終了処理の後は開けなくなる書類" in page and "誓約書：2件" in page


# In every ledger text that can name people; never in any column in the clear, before or after.
MARKER = "目印ＱＸ山田"


def _planted(world) -> list[tuple[object, str]]:
    """The marker typed into each free-text field of the ledgers that can name people: (the row,
    the field) for each."""
    from ledgers.services.imports import import_upload
    from ledgers.services.submissions import ledger_submit

    side, contract = world["side"], world["contract"]
    event = _receive(world, source=f"{MARKER} 受領元", description=f"{MARKER} の申請書類")
    item = event.item
    _record(world, item, "used")
    # Applied for while the item is held; the take-out after it.
    disposal = application(
        side, contract, "disposal", items=[item], purpose=f"{MARKER} 分の廃棄", vendor=f"{MARKER} 商店"
    )
    takeout = approved_takeout(world, item, purpose=f"{MARKER} 宅での説明", destination=f"{MARKER} 宅")
    out = _record(world, item, "taken_out", takeout=takeout, destination=f"{MARKER} 宅（持出し先）")
    pc = _register(world).device
    bringin = application(
        side,
        contract,
        "bringin",
        devices=[pc],
        counterpart=f"{MARKER} の会議室",
        safeguards=f"{MARKER} が確認",
    )
    version = device_update(
        device=pc, storage_place="書庫C", note=f"{MARKER} に交代", **_m(side.contractor_admin)
    )
    submission = ledger_submit(
        contract=contract, as_of=timezone.localdate(), note=f"{MARKER} 宛て", **_m(side.contractor_admin)
    )
    upload = import_upload(
        contract=contract,
        ledger="information",
        file_name=f"{MARKER}さん担当分.xlsx",
        data=b"xlsx",
        **_m(side.contractor_admin),
    )
    return [
        (item, "source"),
        (item, "description"),
        (out, "destination"),
        (item.state, "destination"),
        (takeout, "purpose"),
        (takeout, "destination"),
        (disposal, "purpose"),
        (disposal, "vendor"),
        (bringin, "counterpart"),
        (bringin, "safeguards"),
        (version, "note"),
        (submission, "note"),
        (upload, "file_name"),
    ]


def _read(row, field: str):
    return getattr(type(row)._base_manager.get(pk=row.pk), field)


def test_every_ledger_text_that_can_name_people_is_erased_with_the_contracts_key(
    world, client, django_capture_on_commit_callbacks
):
    side = world["side"]
    planted = _planted(world)
    # Readable by the portal while the contract runs; never in the clear in any column.
    assert all(MARKER in _read(row, field) for row, field in planted)
    assert _found([MARKER]) == []
    item = planted[0][0]
    contract = _end(world)
    with django_capture_on_commit_callbacks(execute=True):  # the commit makes the process forget the key
        contract_close(
            contract=contract, override_reason="情報は発注者が直接回収した", **_m(side.client_admin)
        )

    for row, field in planted:
        assert isinstance(_read(row, field), ErasedValue), (type(row).__name__, field)
    assert _found([MARKER]) == []
    assert audit.verify_chain().ok
    # The item's page says what was erased, and shows nothing of it.
    client.force_login(side.client_admin.user)
    page = client.get(reverse("ledgers:information_detail", args=[item.pk])).content.decode()
    assert "［消去済み］" in page and MARKER not in page
