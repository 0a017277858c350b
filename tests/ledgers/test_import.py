"""Importing a ledger kept in Excel (ledgers.services.imports): a good file enters every row
through the services (their events included), each kind of error is reported at its row and
column in Japanese, a service's refusal with its own reason, nothing is entered if any row fails,
and the limits (size, rows, macros, other formats) refuse the whole file."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone, translation
from openpyxl import Workbook

from core.models import Event
from ledgers.models import Device, InformationItem, LedgerImport
from ledgers.services.import_runs import import_check
from ledgers.services.imports import import_sweep, import_upload, ledger_import_run
from ledgers.services.people import person_refusal
from tests.ledgers.conftest import NEWCOMER_NAME, OFFICE_NAME, TODAY, WORKER_NAME, m

# The conftest's roster and office are notified today (000 asks notice): the rows happen today.
DAY = TODAY
INFO_HEADERS = [
    "番号", "情報の名称", "受領元", "件数・人数", "区分", "媒体", "機器の資産番号", "作業場所",
    "保管場所", "受領　日時", "受領者", "引渡者", "利用者", "備考",
]  # fmt: skip
DEVICE_HEADERS = [
    "資産番号", "種別", "メーカー", "型番", "シリアル番号", "容量", "所有", "使用者", "作業場所", "保管場所",
    "暗号化", "ウイルス対策ソフト", "パターン日付", "更新日", "ファイル共有ソフト等なし", "生成AI不使用",
    "状態", "記載日",
]  # fmt: skip


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def item_row(number=1, **overrides) -> list:
    values = {
        "number": number,
        "title": f"住民票データ {number}",
        "source": "市民課",
        "count": 120,
        "class": "個人情報",
        "medium": "紙",
        "device": None,
        "site": OFFICE_NAME,
        "place": "書庫A",
        "at": f"令和{DAY.year - 2018}年{DAY.month}月{DAY.day}日 0:00",
        "person": WORKER_NAME.replace(" ", "　"),  # a full-width space: the same name
        "counterpart": "市民課 鈴木",
        "users": "",
        "note": "",
        **overrides,
    }
    return list(values.values())


def run(ledger, data: bytes, *, kind="information", apply=True):
    with translation.override("ja"):
        return ledger_import_run(
            contract=ledger.contract,
            ledger=kind,
            data=data,
            apply=apply,
            **m(ledger.side.contractor_admin),
        )


def cells(outcome) -> set[tuple[int, str]]:
    return {(e.row, e.header) for e in outcome.errors}


def test_a_good_file_is_previewed_without_writing_then_entered_as_if_typed(ledger):
    data = xlsx(INFO_HEADERS, [item_row(7), item_row(8, at=DAY.strftime("%Y/%m/%d"), count="１２")])
    preview = run(ledger, data, apply=False)
    assert preview.ok and [(r.row, r.number) for r in preview.rows] == [(2, 1), (3, 2)]
    assert (
        not InformationItem.objects.exists()
        and not Event.objects.filter(kind="information.received").exists()
    )

    applied = run(ledger, data)
    assert applied.ok and len(applied.rows) == 2
    items = list(InformationItem.objects.order_by("number"))
    assert [(i.number, i.record_count) for i in items] == [(1, 120), (2, 12)]
    receipt = items[0].custody_events.get()
    local = timezone.localtime(receipt.occurred_at)
    assert (local.date(), local.hour, local.minute, receipt.person_id) == (DAY, 0, 0, ledger.worker.pk)
    assert Event.objects.filter(kind="information.received").count() == 2
    imported = Event.objects.get(kind="information_ledger.imported")
    assert imported.data["rows"] == 2 and imported.data["items"] == [1, 2]


def test_each_error_is_reported_at_its_row_and_column_and_nothing_is_entered(ledger):
    # The cells first (core.spreadsheets): a file with a bad cell is not looked up further.
    cells_wrong = [
        item_row(1),
        item_row(2, count="多数"),
        item_row(3, **{"class": "極秘"}),
        item_row(4, title=""),
    ]
    outcome = run(ledger, xlsx(INFO_HEADERS, cells_wrong))
    assert cells(outcome) == {(3, "件数"), (4, "区分"), (5, "情報の名称")}
    first = next(e for e in outcome.errors if e.row == 3)
    assert str(first).startswith("3行目") and "件数" in str(first)
    # Then the records: the moment, the names, the numbers, every row reported at once.
    records_wrong = [
        item_row(1),  # good, but not entered: another row fails
        item_row(2, at="令和7年2月30日"),
        item_row(3, person="存在 しない"),
        item_row(4, site="どこか"),
        item_row(4),
    ]
    outcome = run(ledger, xlsx(INFO_HEADERS, records_wrong))
    assert cells(outcome) == {(3, "受領日時"), (4, "受領者"), (5, "作業場所"), (6, "番号")}
    assert not outcome.rows and not InformationItem.objects.exists()
    assert not Event.objects.filter(kind__startswith="information").exists()


def test_a_person_the_service_refuses_is_refused_with_the_services_reason(ledger):
    outcome = run(ledger, xlsx(INFO_HEADERS, [item_row(1, person=NEWCOMER_NAME)]))
    with translation.override("ja"):
        why = person_refusal(ledger.contract, ledger.side.contractor.pk, ledger.newcomer, DAY)
    # Who may use it is, left empty, the receiver: the service refuses both, as on the form.
    assert {(e.row, e.header, e.message) for e in outcome.errors} == {(2, "受領者", why), (2, "利用者", why)}
    assert not InformationItem.objects.exists()


def device_row(asset="PC-001", **overrides) -> list:
    values = {
        "asset": asset,
        "kind": "パソコン",
        "maker": "富士通",
        "model": "LIFEBOOK",
        "serial": "SN-1",
        "capacity": "512GB",
        "owner": "",
        "holder": WORKER_NAME,
        "site": OFFICE_NAME,
        "place": "書庫A",
        "encrypted": "はい",
        "antivirus": "ウイルスバスター",
        "pattern": timezone.localdate().strftime("%Y/%m/%d"),
        "patched": "R" + str(timezone.localdate().year - 2018) + timezone.localdate().strftime(".%m.%d"),
        "software": "○",
        "ai": "はい",
        "status": "",
        "on": None,
        **overrides,
    }
    return list(values.values())


def test_devices_are_registered_and_the_services_refusals_land_at_their_columns(ledger):
    good = run(
        ledger,
        xlsx(DEVICE_HEADERS, [device_row("PC-001"), device_row("USB-1", kind="USBメモリ")]),
        kind="devices",
    )
    assert good.ok and set(Device.objects.values_list("asset_number", flat=True)) == {"PC-001", "USB-1"}
    assert Event.objects.filter(kind="device.registered").count() == 2
    assert Event.objects.filter(kind="device_ledger.imported").count() == 1

    bad = run(
        ledger,
        xlsx(
            DEVICE_HEADERS,
            [
                device_row("PC-002", owner="私物"),
                device_row("PC-003", antivirus=""),
                device_row("PC-001"),  # already in the ledger
                device_row("PC-004", holder=NEWCOMER_NAME),
            ],
        ),
        kind="devices",
    )
    assert cells(bad) == {(2, "所有"), (3, "ウイルス対策ソフト"), (4, "資産番号"), (5, "使用者")}
    assert Device.objects.count() == 2


def test_limits_and_formats_refuse_the_whole_file(ledger):
    data = xlsx(INFO_HEADERS, [item_row(1), item_row(2)])
    with override_settings(LEDGER_IMPORT_MAX_ROWS=1):
        [error] = run(ledger, data).errors
        assert error.row == 0 and "1" in error.message
    with override_settings(LEDGER_IMPORT_MAX_BYTES=1024):
        [error] = run(ledger, data).errors
        assert error.row == 0 and "KB" in error.message
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(macro, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/vbaProject.bin", b"\0" * 16)
    for refused in (macro.getvalue(), "番号,情報の名称\n1,住民票\n".encode()):
        [error] = run(ledger, refused).errors
        assert error.row == 0
    assert not InformationItem.objects.exists()


def test_an_upload_replaces_the_earlier_one_and_the_sweep_removes_stale_ones(ledger):
    manager = ledger.side.contractor_admin
    kwargs = {"contract": ledger.contract, "ledger": "information", "file_name": "a.xlsx", **m(manager)}
    import_upload(data=b"first", **kwargs)
    kept = import_upload(data=b"second", **kwargs)
    assert list(LedgerImport.objects.values_list("pk", flat=True)) == [kept.pk]
    later = timezone.now() + timedelta(hours=2)
    assert import_sweep(now=later) == 0  # its preview is still to come
    assert import_check(pk=kept.pk) == "failed"  # not a workbook
    assert import_sweep(now=timezone.now()) == 0
    assert import_sweep(now=later) == 1
    with pytest.raises(PermissionDenied):  # the client's side keeps no ledger
        import_upload(data=b"x", **{**kwargs, **m(ledger.side.client_staff)})


def test_a_subcontractor_imports_into_its_own_part_and_not_with_the_contractors_people(ledger):
    from tests.ledgers.test_request_views import _subcontractor

    sub = _subcontractor(ledger)
    paper = device_row(
        "SUB-1", kind="紙媒体", holder="", antivirus="", pattern=None, patched=None, software=""
    )
    theirs = device_row("SUB-2", kind="紙媒体", holder=WORKER_NAME, antivirus="", pattern=None, patched=None)
    with translation.override("ja"):
        outcome = ledger_import_run(
            contract=ledger.contract,
            ledger="devices",
            data=xlsx(DEVICE_HEADERS, [paper, theirs]),
            apply=True,
            **m(sub),
        )
        why = person_refusal(ledger.contract, sub.organisation_id, ledger.worker, DAY)
    assert [(e.row, e.header, e.message) for e in outcome.errors] == [(3, "使用者", why)]
    outcome = run_as(sub, ledger, xlsx(DEVICE_HEADERS, [paper]))
    assert outcome.ok and Device.objects.get().organisation_id == sub.organisation_id


def run_as(membership, ledger, data: bytes):
    return ledger_import_run(
        contract=ledger.contract, ledger="devices", data=data, apply=True, **m(membership)
    )
