"""The custody slips of the information ledger (002 §10(6), 003 §11, §12): the receipt (受領証)
when the contractor receives an item, the handover slip (受渡票) when it returns it, the record
of an erasure or destruction; in Japanese, with the template's party words and 和暦, labels and
never codes; and the page that gives them only to whoever may see the item."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation

from core import pdf
from core.models import Event
from core.wareki import format_wareki, format_wareki_datetime
from ledgers.pdf.slips import SLIP_FORM, slip_context, slip_for_duty
from ledgers.services.information import custody_correct
from ledgers.views.slips import custody_slip_pdf
from tests import factories
from tests.ledgers.applications import application
from tests.ledgers.test_device_services import _m, build_world
from tests.ledgers.test_information_services import NOW, _receive, _record

CODES = ("personal", "paper", "electronic", "received", "returned", "destroyed", "erased", "my_number")


@pytest.fixture
def world(db):
    return build_world("002-")  # 所沢市's clauses: 発注者 / 受注者


def _text(data: bytes, tmp_path, name: str = "slip") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


def _slip(event, tmp_path, name: str = "slip") -> str:
    # Whoever pressed the button reads English: the slip stays a Japanese document.
    with translation.override("en"):
        data = pdf.render_form(SLIP_FORM, slip_context(event))
    assert data.startswith(b"%PDF")
    return _text(data, tmp_path, name)


def _flat(text: str) -> str:
    """pdftotext -layout pads columns with spaces; the assertions read the words, not the layout."""
    return "".join(text.split())


def _no_codes(text: str) -> None:
    lowered = text.lower()
    assert not [code for code in CODES if code in lowered]


def test_the_receipt_names_the_item_the_parties_and_the_moment_in_japanese(world, tmp_path):
    event = _receive(world)
    text = _slip(event, tmp_path)
    flat = _flat(text)
    side = world["side"]
    for words in (
        "受領証",
        "下記の情報を受領しました。",
        format_wareki(event.occurred_at),
        format_wareki_datetime(event.occurred_at).replace(" ", ""),
        f"（発注者）{side.body.name}",
        f"（受注者）{side.contractor.name}",
        "R8-DEVICES-1",
        "台帳確認業務",
        "第1号",
        "住民税課税台帳（抽出データ）",
        "所沢市市民税課山田課長",
        "1,200件",
        "個人情報",
        "紙",
        "受領者（受注者）",
        "引渡者（発注者）",
        "佐藤花子",
        "市民税課山田",
        "記名押印又は署名",
    ):
        assert words in flat, words
    # The one who hands over signs first (left), the one who receives after.
    assert flat.index("引渡者（発注者）") < flat.index("受領者（受注者）")
    assert "返却" not in flat
    _no_codes(text)


def test_the_return_slip_and_the_record_of_the_copies_destroyed_before_it(world, tmp_path):
    item = _receive(world, medium="electronic", classification="my_number").item
    # The copies are made under the public body's approval, which is given now: so they are
    # made, shredded and the item returned in that order from now on.
    consent = application(world["side"], world["contract"], "copy", items=[item], copies=2)
    _record(world, item, "copied", copies=2, request=consent)
    destroyed = _record(world, item, "destroyed", copies=2, method="シュレッダー（クロスカット）")
    returned = _record(world, item, "returned", counterpart="市民税課 高橋")

    text = _slip(returned, tmp_path, "returned")
    flat = _flat(text)
    for words in (
        "受渡票（返却）",
        "下記の情報を返却しました。",
        format_wareki_datetime(returned.occurred_at).replace(" ", ""),
        "（発注者）",
        "（受注者）",
        "第1号",
        "住民税課税台帳（抽出データ）",
        "特定個人情報",
        "電子データ",
        "返却者（受注者）",
        "受領者（発注者）",
        "佐藤花子",
        "市民税課高橋",
        "なし",  # no copy remains at a return
    ):
        assert words in flat, words
    assert flat.index("返却者（受注者）") < flat.index("受領者（発注者）")
    _no_codes(text)

    text = _slip(destroyed, tmp_path, "destroyed")
    flat = _flat(text)
    for words in (
        "消去・廃棄の記録",
        "下記の情報の複製物（2部）を廃棄しました。",
        "廃棄の方法",
        "シュレッダー（クロスカット）",
        "複製物2部",
        "廃棄日時",
        "実施者（受注者）",
        "佐藤花子",
    ):
        assert words in flat, words
    _no_codes(text)


def test_the_slip_uses_the_templates_own_party_words(db, tmp_path):
    world = build_world("001-")  # 練馬区's clauses: 甲 / 乙
    flat = _flat(_slip(_receive(world), tmp_path))
    assert "受領者（乙）" in flat and "引渡者（甲）" in flat
    assert f"（甲）{world['side'].body.name}" in flat
    assert "発注者" not in flat


def test_an_event_without_a_slip_has_no_context(world):
    event = _record(world, _receive(world).item, "used")
    with pytest.raises(ValueError):
        slip_context(event)


def test_a_duty_about_the_item_prefills_the_slip_of_its_latest_handover(world):
    item = _receive(world).item
    _record(world, item, "returned", counterpart="市民税課 山田", occurred_at=NOW - timedelta(hours=1))

    class Duty:
        contract = world["contract"]
        subject = f"ledgers.informationitem:{item.pk}"

    assert slip_for_duty(Duty)["heading"] == "受渡票（返却）"
    Duty.subject = "contracts.contract:1"
    with pytest.raises(ValueError):
        slip_for_duty(Duty)


# --- the page ------------------------------------------------------------------------------------


def _get(membership, event):
    request = RequestFactory().get(f"/ledgers/custody/{event.pk}/slip.pdf")
    # As core.middleware.RequestContextMiddleware does for a signed-in person.
    request.user = membership.user
    request.membership = membership
    return custody_slip_pdf(request, event.pk)


def test_the_page_gives_the_slip_to_both_parties_and_records_each_download(world, tmp_path):
    event = _receive(world)
    side = world["side"]
    for membership in (side.contractor_admin, side.client_admin):
        response = _get(membership, event)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="custody-slip-1-1.pdf"'
        assert "受領証" in _text(response.content, tmp_path)
    downloads = Event.objects.filter(kind="form.downloaded", data__form=SLIP_FORM)
    assert downloads.count() == 2
    assert {d.actor_id for d in downloads} == {side.contractor_admin.user_id, side.client_admin.user_id}
    assert all(d.contract_id == world["contract"].pk for d in downloads)
    assert downloads.first().data["sha256"] == pdf.pdf_sha256(response.content)


def test_the_page_hides_what_the_person_may_not_see_or_what_has_no_slip(world):
    item = _receive(world).item
    other = factories.side("slx", "外")
    with pytest.raises(Http404):
        _get(other.contractor_admin, item.custody_events.get())
    used = _record(world, item, "used", occurred_at=NOW - timedelta(hours=5))
    with pytest.raises(Http404):
        _get(world["side"].contractor_admin, used)
    # A return corrected afterwards no longer counts: no slip certifies it.
    returned = _record(
        world, item, "returned", counterpart="市民税課 山田", occurred_at=NOW - timedelta(hours=1)
    )
    custody_correct(event=returned, reason="別の台帳の返却だった", **_m(world["side"].contractor_admin))
    with pytest.raises(Http404):
        _get(world["side"].contractor_admin, returned)
    assert not Event.objects.filter(kind="form.downloaded").exists()
