"""The certificate of return or disposal (返還・廃棄証明書, 001 §21, 002 §15.5) of an approved
disposal application: addressed to the public body from the applicant in the template's words,
the contract and the application (number, approved when and by whom, in 和暦), and what the
ledgers say was done to each thing it covers — each item's erasure, destruction or return with
its date and time in Japan, its person, method and witness, a corrected entry left out — and each
device's or medium's final status; then the closing sentence and the issue date."""

from __future__ import annotations

import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core import pdf
from core.wareki import JST, format_wareki
from ledgers.pdf.certificate import CERTIFICATE_FORM, certificate_context, certificate_for_duty
from ledgers.services.devices import device_update
from ledgers.services.information import custody_correct
from tests.ledgers.applications import application
from tests.ledgers.test_device_services import _m, _register, build_world
from tests.ledgers.test_information_services import _receive, _record

CODES = (
    "personal",
    "paper",
    "electronic",
    "erased",
    "destroyed",
    "returned",
    "my_number",
    "disposed",
    "usb_memory",
)


@pytest.fixture
def world(db):
    return build_world("002-")  # 所沢市's clauses: 発注者 / 受注者, disposal approved first (§15.2)


def _text(data: bytes, tmp_path, name: str = "certificate") -> str:
    """The PDF's text in the order it was laid out (-raw): a table row's cells one after the
    other, each cell's lines together, so that a row reads as one run of words."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True).stdout


def _flat(text: str) -> str:
    """Lines wrap within the cells; the assertions read the words, not the layout."""
    return "".join(text.split())


def _no_codes(text: str) -> None:
    lowered = text.lower()
    assert not [code for code in CODES if code in lowered]


def _time(moment) -> str:
    local = timezone.localtime(moment, JST)
    return f"{local.hour}時{local.minute:02d}分"


def _disposed(world):
    """Two items and a USB memory under one approved disposal application (with a vendor): the
    electronic item erased before a witness, the paper one destroyed — first recorded with the
    wrong method and corrected — and the memory disposed of in the device ledger. A third item,
    not in the application, is erased under none of it."""
    side, manager = world["side"], world["side"].contractor_admin
    paper = _receive(world).item
    data = _receive(
        world, title="滞納者一覧", medium="electronic", classification="my_number", record_count=35
    ).item
    outside = _receive(world, title="別件の名簿").item
    usb = _register(
        world,
        asset="USB-007",
        kind="usb_memory",
        maker="バッファロー",
        model_name="RUF3-K32GA",
        serial_number="U1234",
        antivirus_product="",
        antivirus_pattern_date=None,
        patched_on=None,
    ).device
    disposal = application(
        side,
        world["contract"],
        "disposal",
        items=[paper, data],
        devices=[usb],
        method="erase",
        vendor="株式会社 データ消去センター",
    )
    erased = _record(
        world, data, "erased", method="専用ソフトによる上書き消去", request=disposal, witness="市民税課 山田"
    )
    wrong = _record(world, paper, "destroyed", method="誤った方法", request=disposal, witness="市民税課 高橋")
    custody_correct(event=wrong, reason="方法の記入誤り", **_m(manager))
    destroyed = _record(
        world, paper, "destroyed", method="溶解処理", request=disposal, witness="市民税課 高橋"
    )
    device_update(device=usb, status="disposed", note="物理破壊の上、廃棄", **_m(manager))
    return {
        "disposal": disposal,
        "paper": paper,
        "data": data,
        "outside": outside,
        "erased": erased,
        "destroyed": destroyed,
    }


def _render(disposal, issued_at=None) -> bytes:
    # Whoever pressed the button reads English: the certificate stays a Japanese document.
    with translation.override("en"):
        data = pdf.render_form(
            CERTIFICATE_FORM, certificate_context(disposal, issued_at=issued_at or timezone.now())
        )
    assert data.startswith(b"%PDF")
    return data


def test_the_certificate_says_what_was_done_to_each_thing_under_the_application(world, tmp_path):
    done = _disposed(world)
    disposal, side = done["disposal"], world["side"]
    disposal.refresh_from_db()
    issued_at = timezone.now()
    text = _text(_render(disposal, issued_at), tmp_path)
    flat = _flat(text)
    approver = _flat(disposal.decided_by.full_name)
    when = {
        key: format_wareki(done[key].occurred_at) + _time(done[key].occurred_at)
        for key in ("erased", "destroyed")
    }
    for words in (
        "様式（返還・廃棄証明）",
        "返還・廃棄証明書",
        f"第1号{format_wareki(issued_at)}",
        # To the public body (its name and department), from the applicant, in 002's words.
        f"（発注者）{side.body.name}{side.dept.name}様",
        f"（受注者）{side.contractor.name}",
        f"{format_wareki(disposal.decided_at)}付けで承認を受けた申請に基づき",
        "契約番号R8-DEVICES-1",
        "契約件名台帳確認業務",
        "申請番号返還・廃棄申請第1号",
        f"承認日{format_wareki(disposal.decided_at)}",
        f"承認者（発注者）{side.body.name}{approver}",
        "承認された方法消去（復元不可能な状態にする）",
        "処分の委託先株式会社データ消去センター",
        # Each item: what it is, what was done under the application, when (in Japan), by whom
        # (the vendor it was outsourced to), how, and before whom (002 §15.5).
        "第1号住民税課税台帳（抽出データ）個人情報・1,200件・紙"
        f"廃棄{when['destroyed']}佐藤花子（委託先）株式会社データ消去センター溶解処理市民税課高橋",
        "第2号滞納者一覧特定個人情報（マイナンバー）・35件・電子データ"
        f"消去{when['erased']}佐藤花子（委託先）株式会社データ消去センター専用ソフトによる上書き消去市民税課山田",
        # The medium, with its final status in the device ledger.
        f"USB-007USBメモリバッファローRUF3-K32GA（U1234）廃棄済み{format_wareki(timezone.localdate())}"
        "物理破壊の上、廃棄",
        f"上記のとおり、返還又は消去・廃棄したことを証明します。{format_wareki(issued_at)}",
        f"証明者（受注者）{side.contractor.name}",
        "記名押印又は署名",
        "以上",
    ):
        assert words in flat, words
    # The wrong entry a correction voided certifies nothing; an item outside the application is
    # not on it.
    assert "誤った方法" not in flat and "別件の名簿" not in flat
    assert (
        flat.index("返還・廃棄証明書") < flat.index("記") < flat.index("第1号住民税") < flat.index("USB-007")
    )
    _no_codes(text)


def test_a_return_is_certified_in_the_templates_own_words(db, tmp_path):
    world = build_world("001-")  # 練馬区's clauses: 甲 / 乙, disposal approved first (§21)
    item = _receive(world).item
    disposal = application(world["side"], world["contract"], "disposal", items=[item], method="return")
    returned = _record(world, item, "returned", counterpart="総務課 田中")
    flat = _flat(_text(_render(disposal), tmp_path))
    side = world["side"]
    assert f"（甲）{side.body.name}{side.dept.name}様" in flat and f"（乙）{side.contractor.name}" in flat
    assert "承認された方法甲への返還" in flat and "処分の委託先" not in flat
    # A return names no application: the item's return is what the certificate attests, and who
    # of the public body took it back stands where a witness would.
    when = format_wareki(returned.occurred_at) + _time(returned.occurred_at)
    assert f"返還{when}佐藤花子—総務課田中" in flat
    assert "発注者" not in flat and "受注者" not in flat
    assert "機器・記録媒体" not in flat  # no device in this application


def test_an_item_not_yet_done_says_so_and_only_a_disposal_application_has_a_certificate(world, tmp_path):
    item = _receive(world).item
    disposal = application(world["side"], world["contract"], "disposal", items=[item])
    flat = _flat(_text(_render(disposal), tmp_path))
    assert (
        "第1号住民税課税台帳（抽出データ）個人情報・1,200件・紙この申請に基づく返還又は消去・廃棄の記録はありません。"
        in flat
    )
    copy = application(world["side"], world["contract"], "copy", items=[item])
    with pytest.raises(ValueError):
        certificate_context(copy, issued_at=timezone.now())


def test_the_form_is_registered_and_a_duty_about_the_application_prefills_it(world):
    form = pdf.get_form(CERTIFICATE_FORM)
    assert (form.template_name, str(form.title)) == (
        "pdf/ledgers/disposal_certificate.html",
        "返還・廃棄証明書",
    )
    item = _receive(world).item
    disposal = application(world["side"], world["contract"], "disposal", items=[item])

    class Duty:
        contract = world["contract"]
        subject = f"ledgers.disposalrequest:{disposal.pk}"

    context = form.prefill(Duty)
    assert context["request"].pk == disposal.pk and [row["item"] for row in context["item_rows"]] == [item]
    Duty.subject = f"ledgers.informationitem:{item.pk}"
    with pytest.raises(ValueError):
        certificate_for_duty(Duty)


def test_the_certificates_queries_do_not_grow_with_what_it_covers(world):
    done = _disposed(world)

    def count(disposal) -> int:
        with CaptureQueriesContext(connection) as queries:
            certificate_context(disposal, issued_at=timezone.now())
        return len(queries)

    # The application with its contract, the parties, the clause template and the approver; its
    # items; their events with their persons (voided ones left out in the same query); its
    # devices; their versions.
    two = count(done["disposal"])
    assert two == 5
    items = [_receive(world, title=f"情報{n}").item for n in range(4)]
    usb = [
        _register(
            world,
            asset=f"USB-1{n}",
            kind="usb_memory",
            antivirus_product="",
            antivirus_pattern_date=None,
            patched_on=None,
        ).device
        for n in range(3)
    ]
    larger = application(world["side"], world["contract"], "disposal", items=items, devices=usb)
    for item in items:
        _record(world, item, "erased", method="上書き消去", request=larger, witness="市民税課 山田")
    assert count(larger) == 5
