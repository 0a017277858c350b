"""The information ledger's pages (000 §5.6(4), 002 §10(3)): receiving an item through the form,
the service's refusals at their fields (a person not yet approved, an entry that contradicts the
history), the next steps the item's page offers, a correction striking an entry through, who sees
which buttons and who gets 404, the ledger as of an earlier day, keyset pages and a list whose
queries do not grow with its rows."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Event
from ledgers import events
from ledgers.models import CustodyEvent, InformationItem
from ledgers.selectors.information import item_state
from ledgers.services.information import custody_record, information_receive
from ledgers.services.requests import approved_request_for, title_of
from ledgers.services.takeouts import takeout_request_act, takeout_request_create
from tests.ledgers.applications import application
from tests.ledgers.conftest import TODAY, build_ledger, m
from tests.ledgers.test_device_services import build_world

NOW = timezone.now()
YESTERDAY = TODAY - timedelta(days=1)
TITLE = "住民税課税台帳（抽出データ）"
WORKER_NAME, NEWCOMER_NAME, OFFICE_NAME = "佐藤 花子", "鈴木 次郎", "本社 開発部"


@pytest.fixture
def ledger(db):
    """所沢市's contract (002: a person handles the information only once approved), its roster
    and office in force from early on, so that entries of earlier days are allowed."""
    return SimpleNamespace(**build_world("002-"))


def _receive(ledger, title=TITLE, **overrides):
    values = {
        "title": title,
        "source": "所沢市 市民税課",
        "record_count": 1200,
        "classification": "personal",
        "medium": "paper",
        "person": ledger.worker,
        "counterpart": "市民税課 山田",
        "worksite": ledger.office,
        "storage_place": "書庫A",
        "occurred_at": NOW - timedelta(days=3),
        **overrides,
    }
    return information_receive(contract=ledger.contract, **values, **m(ledger.side.contractor_admin)).item


def _record(ledger, item, kind, **values):
    values.setdefault("person", ledger.worker)
    return custody_record(item=item, kind=kind, **values, **m(ledger.side.contractor_admin))


def approved_takeout(ledger, item):
    """A take-out of `item` requested by the contractor and approved by the public body (002 §12.1)."""
    manager = ledger.side.contractor_admin
    request = takeout_request_create(
        contract=ledger.contract,
        items=[item],
        person=ledger.worker,
        purpose="市民税課での説明",
        destination="所沢市役所 会議室",
        planned_out_at=timezone.now() + timedelta(minutes=1),
        planned_return_at=timezone.now() + timedelta(hours=3),
        protection="施錠できるケースに入れて運ぶ",
        **m(manager),
    )
    takeout_request_act(request=request, action="submit", **m(manager))
    return takeout_request_act(request=request, action="approve", **m(ledger.side.client_staff))


def _just_now() -> dict:
    """The date and time fields of this very moment, to the second: a take-out comes after its
    approval, which was a fraction of a second ago (the fields carry no fraction)."""
    time.sleep(1)
    now = timezone.localtime()
    return {"occurred_at": now.date().isoformat(), "occurred_time": now.strftime("%H:%M:%S")}


def _receive_data(ledger, **overrides) -> dict:
    return {
        "title": TITLE,
        "source": "所沢市 市民税課",
        "record_count": "1200",
        "classification": "personal",
        "medium": "paper",
        "occurred_at": YESTERDAY.isoformat(),
        "occurred_time": "10:30",
        "person": ledger.worker.pk,
        "counterpart": "市民税課 山田",
        "worksite": ledger.office.pk,
        "storage_place": "書庫A",
        "users": [ledger.worker.pk],
        **overrides,
    }


def _record_data(ledger, kind, **overrides) -> dict:
    return {
        "kind": kind,
        "occurred_at": YESTERDAY.isoformat(),
        "occurred_time": "15:00",
        "person": ledger.worker.pk,
        **overrides,
    }


def _urls(ledger, item) -> dict[str, str]:
    event = item.custody_events.get(sequence=1)
    return {
        "list": reverse("ledgers:information_list", args=[ledger.contract.pk]),
        "receive": reverse("ledgers:information_receive", args=[ledger.contract.pk]),
        "detail": reverse("ledgers:information_detail", args=[item.pk]),
        "record": reverse("ledgers:custody_record", args=[item.pk]),
        "correct": reverse("ledgers:custody_correct", args=[event.pk]),
    }


def test_receiving_through_the_form_enters_the_item_and_its_receipt(client, ledger):
    client.force_login(ledger.side.contractor_admin.user)
    url = reverse("ledgers:information_receive", args=[ledger.contract.pk])
    page = client.get(url).content.decode()
    assert "情報の名称" in page and "受領元" in page and "件数（人数）" in page and OFFICE_NAME in page
    assert WORKER_NAME in page and NEWCOMER_NAME in page  # offered: the service says why not
    response = client.post(url, _receive_data(ledger))
    item = InformationItem.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "ledgers:information_detail", args=[item.pk]
    )
    assert (item.number, item.title, item.record_count, item.organisation) == (
        1,
        TITLE,
        1200,
        ledger.side.contractor,
    )
    receipt = item.custody_events.get()
    assert (receipt.kind, receipt.person, receipt.worksite, receipt.storage_place) == (
        "received",
        ledger.worker,
        ledger.office,
        "書庫A",
    )
    # The time typed is Japan's time.
    when = timezone.localtime(receipt.occurred_at)
    assert (when.date(), when.hour, when.minute, str(when.tzinfo)) == (YESTERDAY, 10, 30, "Asia/Tokyo")
    assert item_state(item).users == {ledger.worker.pk}
    page = client.get(response.url).content.decode()
    assert "情報管理台帳に記録しました" in page and "保管中" in page and "受領" in page and "令和" in page


def test_a_person_not_yet_approved_is_refused_at_the_field_with_the_reason(client, ledger):
    client.force_login(ledger.side.contractor_admin.user)
    url = reverse("ledgers:information_receive", args=[ledger.contract.pk])
    response = client.post(url, _receive_data(ledger, person=ledger.newcomer.pk, users=[ledger.newcomer.pk]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"person", "users"}
    assert NEWCOMER_NAME in errors["person"][0] and "発注者が追加を承認した後" in errors["person"][0]
    page = response.content.decode()
    assert "事前承認" in page and f'value="{TITLE}"' in page  # said at the field, nothing typed lost
    assert not InformationItem.objects.exists()


def test_after_a_take_out_the_page_offers_its_return_and_not_the_return_to_the_public_body(client, ledger):
    item = _receive(ledger)
    client.force_login(ledger.side.contractor_admin.user)
    urls = _urls(ledger, item)
    page = client.get(urls["detail"]).content.decode()
    assert "持出しを記録" in page and "発注者への返却を記録" in page and "持出しからの返却を記録" not in page
    assert f"{urls['record']}?kind=taken_out" in page
    # The button opens the short form of that kind: its own fields only, the required ones marked.
    form_page = client.get(urls["record"], {"kind": "taken_out"})
    assert form_page.context["form"]["kind"].value() == "taken_out"
    html = form_page.content.decode()
    assert "<h1>持出しを記録" in html and 'type="hidden" name="kind" value="taken_out"' in html
    assert 'name="destination"' in html and 'name="takeout"' in html and 'name="encrypted"' in html
    for other in ("storage_place", "tracking_number", "witness", "copies", "users", "counterpart"):
        assert f'name="{other}"' not in html, other
    assert form_page.context["form"].fields["destination"].required
    # Opened without a kind, the page asks what happened first.
    chooser = client.get(urls["record"]).content.decode()
    assert 'name="kind"' in chooser and 'name="destination"' not in chooser
    # Without its approved request the take-out is refused at that field (002 §12.1).
    response = client.post(urls["record"], _record_data(ledger, "taken_out", destination="所沢市役所 会議室"))
    assert list(response.context["form"].errors) == ["takeout"]
    takeout = approved_takeout(ledger, item)
    form_page = client.get(urls["record"], {"kind": "taken_out"}).content.decode()
    assert "持出し申請" in form_page and "所沢市役所 会議室" in form_page
    response = client.post(
        urls["record"],
        _record_data(ledger, "taken_out", destination="所沢市役所 会議室", takeout=takeout.pk, **_just_now()),
    )
    assert response.status_code == 302 and response.url == urls["detail"]
    assert item.custody_events.get(sequence=2).takeout == takeout
    page = client.get(urls["detail"]).content.decode()
    assert "持出し中" in page and "所沢市役所 会議室" in page and "記録2（持出し）を記録しました" in page
    assert (
        "持出しからの返却を記録" in page and "発注者への返却を記録" not in page and "複写を記録" not in page
    )
    assert f"{urls['record']}?kind=brought_back" in page
    response = client.post(urls["record"], _record_data(ledger, "brought_back", **_just_now()))
    assert response.status_code == 302
    page = client.get(urls["detail"]).content.decode()
    assert '<span class="badge">保管中</span>' in page and "持出しを記録" in page


def _titles(*applications) -> list[str]:
    with translation.override("ja"):
        return [title_of(a) for a in applications]


def test_a_copy_names_its_approved_copy_request_and_the_page_says_to_apply_first(client, ledger):
    item = _receive(ledger)
    client.force_login(ledger.side.contractor_admin.user)
    urls = _urls(ledger, item)
    apply = {
        kind: reverse("ledgers:request_create", args=[ledger.contract.pk, kind])
        for kind in ("copy", "disclosure", "disposal")
    }
    # 002 asks approval before a copy, a provision and a disposal, and none is approved yet: the
    # page offers each step, preselected, and an application for each.
    page = client.get(urls["detail"]).content.decode()
    for kind in ("copied", "provided", "erased", "destroyed"):
        assert f"{urls['record']}?kind={kind}" in page, kind
    assert all(f'href="{url}"' in page for url in apply.values())
    # Each application's button says which it is (three 申請する would not).
    assert "複写を申請" in page and "第三者提供を申請" in page and "返還・廃棄を申請" in page
    assert "第三者への提供を記録" in page
    # The form: no typed consent any more; the application's field, and no witness, for a copy.
    form_page = client.get(urls["record"], {"kind": "copied"})
    html = form_page.content.decode()
    assert 'name="consent"' not in html and 'name="request"' in html and 'name="witness"' not in html
    assert "承認済みの申請" in html and f'href="{apply["copy"]}"' in html
    # What each kind needs is said where the kind is chosen.
    assert "複写：実施者、部数、承認済みの申請" in client.get(urls["record"]).content.decode()
    assert not form_page.context["form"].fields["request"].queryset.exists()
    response = client.post(urls["record"], _record_data(ledger, "copied", copies="2"))
    assert list(response.context["form"].errors) == ["request"] and item.custody_events.count() == 1

    consent = application(ledger.side, ledger.contract, "copy", items=[item], copies=2)
    application(ledger.side, ledger.contract, "disposal", items=[item])
    page = client.get(urls["detail"]).content.decode()
    assert apply["copy"] not in page and apply["disposal"] not in page and apply["disclosure"] in page
    # Only the copy request is offered for a copy (not the disposal application), with what it allows.
    form = client.get(urls["record"], {"kind": "copied"}).context["form"]
    [(value, label)] = [(v, lbl) for v, lbl in form.fields["request"].choices if v]
    assert value.value == consent.pk and "あと2部" in label and _titles(consent)[0] in label
    response = client.post(
        urls["record"],
        _record_data(ledger, "copied", copies="2", request=consent.pk, witness="誰か", **_just_now()),
    )
    assert response.status_code == 302 and response.url == urls["detail"]
    copied = item.custody_events.get(sequence=2)
    assert (copied.request, copied.copies, copied.witness) == (consent.as_kind(), 2, "")
    page = client.get(urls["detail"]).content.decode()
    link = reverse("ledgers:request_detail", args=[consent.pk])
    assert f'<a href="{link}">{_titles(consent)[0]}</a>' in page
    # Its copies all made, the copy request allows no more: the page says to apply again.
    assert apply["copy"] in page
    assert not client.get(urls["record"], {"kind": "copied"}).context["form"].fields["request"].queryset
    # Working copies shredded after use are no disposal of the information: no application asked.
    response = client.post(
        urls["record"], _record_data(ledger, "destroyed", copies="2", method="シュレッダー", **_just_now())
    )
    assert response.status_code == 302 and item_state(item).copies == 0
    assert item.custody_events.get(sequence=3).request is None


def test_an_erasure_names_its_disposal_application_and_who_witnessed_it(client, ledger):
    item = _receive(ledger)
    disposal = application(ledger.side, ledger.contract, "disposal", items=[item])
    client.force_login(ledger.side.contractor_admin.user)
    urls = _urls(ledger, item)
    form_page = client.get(urls["record"], {"kind": "erased"})
    html = form_page.content.decode()
    assert 'name="witness"' in html and "立会者" in html and 'name="request"' in html
    assert [v.value for v, _label in form_page.context["form"].fields["request"].choices if v] == [
        disposal.pk
    ]
    response = client.post(
        urls["record"],
        _record_data(
            ledger,
            "erased",
            method="専用ソフトによる上書き消去",
            request=disposal.pk,
            witness="市民税課 山田",
            **_just_now(),
        ),
    )
    assert response.status_code == 302 and response.url == urls["detail"]
    erased = item.custody_events.get(sequence=2)
    assert (erased.kind, erased.request, erased.witness) == ("erased", disposal.as_kind(), "市民税課 山田")
    assert item_state(item).status == "erased"
    # Whoever reads the item sees under which application and before whom it was erased.
    client.force_login(ledger.side.client_staff.user)
    page = client.get(urls["detail"]).content.decode()
    assert "立会者: 市民税課 山田" in page or "立会者：市民税課 山田" in page
    assert reverse("ledgers:request_detail", args=[disposal.pk]) in page and _titles(disposal)[0] in page


def test_a_provision_to_a_third_party_is_recorded_under_its_approved_request(client, ledger):
    item = _receive(ledger)
    client.force_login(ledger.side.contractor_admin.user)
    urls = _urls(ledger, item)
    form_page = client.get(urls["record"], {"kind": "provided"})
    assert "provided" in dict(form_page.context["form"].fields["kind"].choices)
    assert 'name="witness"' not in form_page.content.decode()
    data = _record_data(ledger, "provided", counterpart="株式会社 印刷工房", **_just_now())
    response = client.post(urls["record"], data)
    assert list(response.context["form"].errors) == ["request"]
    disclosure = application(ledger.side, ledger.contract, "disclosure", items=[item])
    response = client.post(urls["record"], {**data, **_just_now(), "request": disclosure.pk})
    assert response.status_code == 302
    provided = item.custody_events.get(sequence=2)
    assert (provided.kind, provided.request, provided.counterpart) == (
        "provided",
        disclosure.as_kind(),
        "株式会社 印刷工房",
    )
    assert item_state(item).status == "held"  # what was provided is the third party's to answer for


def test_an_entry_that_contradicts_the_history_is_refused_at_the_kind(client, ledger):
    item = _receive(ledger)
    client.force_login(ledger.side.contractor_admin.user)
    response = client.post(
        reverse("ledgers:custody_record", args=[item.pk]), _record_data(ledger, "brought_back")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["kind"] and errors["kind"] == ["この情報は持ち出されていません。"]
    # A field the kind needs, left empty: said at that field, with the approved application these
    # clauses ask (002 §13) said at its own, both at once.
    response = client.post(reverse("ledgers:custody_record", args=[item.pk]), _record_data(ledger, "copied"))
    errors = response.context["form"].errors
    assert set(errors) == {"copies", "request"}
    assert errors["copies"] == ["この記録では必須です。"]
    assert errors["request"] == [approved_request_for(item, "copied", None, NOW)]
    assert item.custody_events.count() == 1


def test_a_correction_strikes_the_entry_through_with_its_reason(client, ledger):
    item = _receive(ledger)
    stored = _record(ledger, item, "stored", worksite=ledger.office, storage_place="金庫B", occurred_at=NOW)
    client.force_login(ledger.side.contractor_admin.user)
    detail = reverse("ledgers:information_detail", args=[item.pk])
    correct = reverse("ledgers:custody_correct", args=[stored.pk])
    page = client.get(detail).content.decode()
    receipt = item.custody_events.get(sequence=1)
    assert correct in page and reverse("ledgers:custody_correct", args=[receipt.pk]) not in page
    assert "金庫B" in client.get(correct).content.decode()
    # No reason: refused at the field, nothing recorded.
    response = client.post(correct, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(correct, {"reason": "保管場所の記入誤り"})
    assert response.status_code == 302 and response.url == detail
    page = client.get(detail).content.decode()
    assert "記録2を訂正しました" in page
    assert "<del>保管（移動）</del>" in page and "訂正済み" in page and "保管場所の記入誤り" in page
    assert correct not in page  # corrected once, not again
    assert item_state(item).storage_place == "書庫A"
    # The receipt cannot be corrected: the service says so at the top of the form.
    response = client.post(reverse("ledgers:custody_correct", args=[receipt.pk]), {"reason": "誤り"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert CustodyEvent.objects.filter(kind="correction").count() == 1


def test_the_public_body_reads_without_buttons_and_gets_404_on_the_forms(client, ledger):
    item = _receive(ledger)
    _record(ledger, item, "used", occurred_at=NOW - timedelta(days=1))
    urls = _urls(ledger, item)
    for membership in (ledger.side.client_staff, ledger.side.client_admin, ledger.side.auditor):
        client.force_login(membership.user)
        page = client.get(urls["list"]).content.decode()
        assert TITLE in page and urls["receive"] not in page
        page = client.get(urls["detail"]).content.decode()
        assert TITLE in page and WORKER_NAME in page and "使用" in page
        assert urls["record"] not in page and "/correct/" not in page and "使用を記録" not in page
        assert reverse("ledgers:request_create", args=[ledger.contract.pk, "copy"]) not in page
        for name in ("record", "receive", "correct"):
            assert client.get(urls[name]).status_code == 404, (membership.role, name)
        assert client.post(urls["receive"], _receive_data(ledger)).status_code == 404
        assert client.post(urls["record"], _record_data(ledger, "used")).status_code == 404
        assert client.post(urls["correct"], {"reason": "x"}).status_code == 404
    assert InformationItem.objects.count() == 1 and CustodyEvent.objects.count() == 2


def test_another_public_bodys_people_get_404_everywhere(client, ledger):
    item = _receive(ledger)
    other = build_ledger("io", "他")
    for membership in (other.side.client_staff, other.side.client_admin, other.side.contractor_admin):
        client.force_login(membership.user)
        for name, url in _urls(ledger, item).items():
            assert client.get(url).status_code == 404, (membership.role, name)
    client.force_login(other.side.contractor_admin.user)
    missing = CustodyEvent.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("ledgers:custody_correct", args=[missing])).status_code == 404


def test_the_ledger_as_of_an_earlier_day_shows_the_state_then(client, ledger):
    item = _receive(ledger)  # three days ago, at 書庫A
    _record(
        ledger,
        item,
        "stored",
        worksite=ledger.office,
        storage_place="金庫B",
        occurred_at=NOW - timedelta(days=1),
    )
    # Copied under the public body's approved copy request (002 §13), made after its approval.
    consent = application(ledger.side, ledger.contract, "copy", items=[item], copies=2)
    _record(ledger, item, "copied", copies=2, request=consent, occurred_at=timezone.now())
    client.force_login(ledger.side.client_staff.user)
    detail = reverse("ledgers:information_detail", args=[item.pk])
    state = client.get(detail).context["state"]
    assert (state.storage_place, state.copies) == ("金庫B", 2)
    earlier = (TODAY - timedelta(days=2)).isoformat()
    response = client.get(detail, {"on": earlier})
    assert (response.context["state"].storage_place, response.context["state"].copies) == ("書庫A", 0)
    page = response.content.decode()
    assert "終了時点の状態" in page and '<span class="badge">保管中</span>' in page
    # The history is whole whatever the day.
    assert [e.sequence for e, _c, _u in response.context["history"]] == [1, 2, 3]
    url = reverse("ledgers:information_list", args=[ledger.contract.pk])
    [(row, state)] = client.get(url, {"on": earlier}).context["rows"]
    assert row == item and (state.storage_place, state.copies) == ("書庫A", 0)
    [(row, state)] = client.get(url).context["rows"]
    assert (state.storage_place, state.copies) == ("金庫B", 2)
    # A status filter: the item is held, on either day.
    assert [r for r, _s in client.get(url, {"status": "held", "on": earlier}).context["rows"]] == [item]
    assert not client.get(url, {"status": "taken_out"}).context["rows"]
    # Before its receipt the item was not on the ledger.
    response = client.get(url, {"on": (TODAY - timedelta(days=4)).isoformat()})
    assert (
        not response.context["rows"]
        and "その日の台帳に記録された情報はありません" in response.content.decode()
    )


def test_the_filters_narrow_the_ledger(client, ledger):
    _receive(ledger)
    _receive(ledger, "委託先名簿", classification="secret", medium="electronic", source="人事課")
    client.force_login(ledger.side.contractor_admin.user)
    url = reverse("ledgers:information_list", args=[ledger.contract.pk])

    def titles(**params) -> list[str]:
        return [item.title for item, _s in client.get(url, params).context["rows"]]

    assert titles() == [TITLE, "委託先名簿"]
    assert titles(classification="secret") == ["委託先名簿"]
    assert titles(medium="paper") == [TITLE]
    assert titles(q="委託") == ["委託先名簿"]
    assert titles(q="課税") == [TITLE]
    # Whom it was received from is encrypted: the search matches the name only.
    assert titles(q="人事") == []
    response = client.get(url, {"q": "該当なし"})
    assert (
        'class="empty"' in response.content.decode()
        and "条件に合う情報はありません" in response.content.decode()
    )


def test_keyset_pages_of_fifty_with_a_next_link(client, ledger):
    for n in range(55):
        _receive(ledger, f"情報{n + 1:03}")
    client.force_login(ledger.side.contractor_admin.user)
    url = reverse("ledgers:information_list", args=[ledger.contract.pk])
    response = client.get(url)
    rows = response.context["rows"]
    assert [item.number for item, _s in rows] == list(range(1, 51))
    page = response.content.decode()
    assert 'href="?after=50"' in page and "最初のページ" not in page
    response = client.get(url, {"after": "50"})
    assert [item.number for item, _s in response.context["rows"]] == list(range(51, 56))
    page = response.content.decode()
    assert 'rel="next"' not in page and "最初のページ" in page
    # The filters stay in the next link.
    assert 'href="?medium=paper&amp;after=50"' in client.get(url, {"medium": "paper"}).content.decode()


def test_each_view_of_the_ledger_is_recorded(client, ledger):
    item = _receive(ledger)
    client.force_login(ledger.side.client_staff.user)
    client.get(reverse("ledgers:information_list", args=[ledger.contract.pk]))
    client.get(reverse("ledgers:information_detail", args=[item.pk]))
    viewed = Event.objects.filter(kind=events.INFORMATION_LEDGER_VIEWED).order_by("pk")
    assert viewed.count() == 2
    assert all(
        e.contract_id == ledger.contract.pk and e.actor == ledger.side.client_staff.user for e in viewed
    )
    assert viewed[0].data["on"] == TODAY.isoformat() and viewed[1].data["item"] == item.pk


def test_the_contract_page_links_to_the_information_ledger(client, ledger):
    for membership in (ledger.side.contractor_admin, ledger.side.client_staff):
        client.force_login(membership.user)
        page = client.get(reverse("contracts:contract_detail", args=[ledger.contract.pk])).content.decode()
        assert f'href="{reverse("ledgers:information_list", args=[ledger.contract.pk])}"' in page
        assert "情報管理台帳" in page and "受領した情報とその管理の記録" in page


# The list page's queries (now, now with a status filter, as of a past day) for each of its
# people: the session, the membership, the contract and its access, the page's items, the holders'
# names, the work sites' names and the record of the view — and, as of a past day only, all the
# items' events and who may use them, for the replay. Now the states come joined with the items
# from the projection (two queries fewer, and a status filter is a WHERE like the others, so it no
# longer reads items until a page is full). The public body's person's page makes one query
# fewer than the contractor's.
LIST_QUERIES = {"contractor_admin": (18, 18, 20), "client_staff": (17, 17, 19)}


@pytest.mark.parametrize("membership", ["contractor_admin", "client_staff"])
def test_the_list_page_queries_do_not_grow_with_its_rows(client, ledger, membership):
    """Exact counts, the same with 3 items as with 8 of longer histories: the page "now" reads the
    states from the projection (no events read), the page as of a past day replays them."""
    client.force_login(getattr(ledger.side, membership).user)
    url = reverse("ledgers:information_list", args=[ledger.contract.pk])
    earlier = {"on": YESTERDAY.isoformat()}

    def count(**params) -> int:
        client.get(url, params)  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    for n in range(3):
        _receive(ledger, f"情報{n}")
    three = (count(), count(status="held"), count(**earlier))
    for n in range(3, 8):
        item = _receive(ledger, f"情報{n}")
        consent = application(ledger.side, ledger.contract, "copy", items=[item], copies=1)
        _record(ledger, item, "copied", copies=1, request=consent, occurred_at=timezone.now())
        _record(ledger, item, "users_changed", users=[ledger.worker], occurred_at=NOW - timedelta(days=1))
    assert len(client.get(url).context["rows"]) == 8
    assert three == LIST_QUERIES[membership]
    assert (count(), count(status="held"), count(**earlier)) == three
