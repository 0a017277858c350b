"""The applications' pages (複写・複製, 第三者提供, 持込み, 返還・廃棄; models.requests): each kind
drafted and submitted by the contractor through its form, which shows only that kind's fields,
and approved by the public body's manager on its page; a returned one corrected; the service's
refusals said at their fields with nothing typed lost; a subcontractor seeing only its own part;
drafts left to the applying side; the certificate of return or disposal refused while anything
is still held, then issued and downloaded; list and page queries that do not grow with the rows.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contracts.services import subcontracts as subcontract_services
from core.models import Event, Role
from core.services.organisations import organisation_grant_visibility
from ledgers.models import LedgerRequest
from ledgers.services.devices import device_register
from tests import factories
from tests.ledgers.applications import application
from tests.ledgers.conftest import build_ledger, m
from tests.ledgers.test_device_services import PC
from tests.ledgers.test_information_views import _receive as _received
from tests.ledgers.test_information_views import _record

TOMORROW = timezone.localdate() + timedelta(days=1)
HEADINGS = {
    "copy": "複写・複製の申請",
    "disclosure": "第三者提供の申請",
    "bringin": "持込みの申請",
    "disposal": "返還・廃棄の申請",
}
# The labels each kind's form shows, and those of the other kinds it must not.
LABELS = {
    "copy": ("複写・複製する情報", "部数", "目的・理由", "予定日", "保護の方法"),
    "disclosure": ("提供する情報", "提供先", "目的・理由", "予定日", "保護の方法"),
    "bringin": ("持ち込む機器・記録媒体", "持込み先", "ウイルス対策の確認", "目的・理由", "予定日"),
    "disposal": (
        "返還・廃棄する情報",
        "返還・廃棄する機器・記録媒体",
        "方法",
        "外部委託先",
        "目的・理由",
        "予定日",
    ),
}
FIELDS = {
    "copy": {"items", "copies", "purpose", "planned_on", "safeguards"},
    "disclosure": {"items", "counterpart", "purpose", "planned_on", "safeguards"},
    "bringin": {"devices", "counterpart", "safeguards", "purpose", "planned_on"},
    "disposal": {"items", "devices", "method", "vendor", "purpose", "planned_on"},
}


def _receive(ledger, title="住民税課税台帳"):
    # The roster of these clauses is in force from its notice, today: received just now.
    return _received(ledger, title, occurred_at=timezone.now())


def _device(ledger, asset="PC-001"):
    """A PC in use at the office, its anti-virus pattern and updates current (a bring-in needs it)."""
    return device_register(
        contract=ledger.contract,
        asset_number=asset,
        **{**PC, "holder": ledger.worker, "worksite": ledger.office, "storage_place": "書庫A"},
        **m(ledger.side.contractor_admin),
    ).device


def _paper(ledger, asset, membership):
    """Paper files kept at the office by `membership`'s party (no holder of the roster needed)."""
    return device_register(
        contract=ledger.contract,
        asset_number=asset,
        kind="paper",
        owner="company",
        worksite=ledger.office,
        storage_place="書庫A",
        **m(membership),
    ).device


def _data(kind: str, item=None, device=None, **overrides) -> dict:
    values = {
        "copy": {"items": [item.pk] if item else [], "copies": "2", "safeguards": "施錠保管"},
        "disclosure": {
            "items": [item.pk] if item else [],
            "counterpart": "株式会社 印刷工房",
            "safeguards": "暗号化して送付",
        },
        "bringin": {
            "devices": [device.pk] if device else [],
            "counterpart": "発注者の庁内ネットワーク（会議室）",
            "safeguards": "最新の定義ファイルで全体スキャン済み",
        },
        "disposal": {
            "items": [item.pk] if item else [],
            "devices": [device.pk] if device else [],
            "method": "erase",
            "vendor": "",
        },
    }[kind]
    return {**values, "purpose": "作業のため", "planned_on": TOMORROW.isoformat(), **overrides}


def _act(client, request, action, reason=""):
    return client.post(
        reverse("ledgers:request_act", args=[request.pk]), {"action": action, "reason": reason}
    )


def _listed(client, contract, kind) -> list[int]:
    response = client.get(reverse("ledgers:request_list", args=[contract.pk, kind]))
    assert response.status_code == 200
    return [r.pk for r in response.context["page"].object_list]


@pytest.mark.parametrize("kind", list(HEADINGS))
def test_the_contractor_drafts_and_submits_each_kind_and_the_public_body_approves(client, ledger, kind):
    item = _receive(ledger) if kind != "bringin" else None
    device = _device(ledger) if kind in ("bringin", "disposal") else None
    client.force_login(ledger.side.contractor_admin.user)
    listing = reverse("ledgers:request_list", args=[ledger.contract.pk, kind])
    page = client.get(listing).content.decode()
    create = reverse("ledgers:request_create", args=[ledger.contract.pk, kind])
    assert HEADINGS[kind] in page and f'href="{create}"' in page and "まだありません" in page
    # The four kinds' lists link to each other.
    for other in HEADINGS:
        assert reverse("ledgers:request_list", args=[ledger.contract.pk, other]) in page
    response = client.get(create)
    assert set(response.context["form"].fields) == FIELDS[kind]
    html = response.content.decode()
    for label in LABELS[kind]:
        assert label in html, label
    assert 'type="date"' in html
    response = client.post(create, _data(kind, item, device))
    request = LedgerRequest.objects.get()
    url = reverse("ledgers:request_detail", args=[request.pk])
    assert response.status_code == 302 and response.url == url
    assert (request.kind, request.approval_state, request.created_by) == (
        kind,
        "draft",
        ledger.side.contractor_admin.user,
    )
    assert list(request.items.all()) == ([item] if item else [])
    assert list(request.devices.all()) == ([device] if device else [])
    page = client.get(url).content.decode()
    assert f"{HEADINGS[kind]} No.1" in page and "承認する" not in page
    assert reverse("ledgers:request_update", args=[request.pk]) in page
    if item:
        assert reverse("ledgers:information_detail", args=[item.pk]) in page
    if device:
        assert reverse("ledgers:device_detail", args=[device.pk]) in page
    # All in words: the kind's own labels, never a code.
    if kind == "copy":
        assert "2部" in page
    if kind == "disposal":
        assert request.get_method_display() in page and ">erase<" not in page
    assert _act(client, request, "submit").status_code == 302
    request.refresh_from_db()
    assert request.approval_state == "submitted"
    # The contractor decides nothing: no button, and one posted is 404.
    assert "承認する" not in client.get(url).content.decode()
    assert _act(client, request, "approve").status_code == 404
    client.force_login(ledger.side.client_staff.user)
    assert _listed(client, ledger.contract, kind) == [request.pk]
    page = client.get(url).content.decode()
    assert "承認する" in page and "差し戻す" in page and "却下する" in page
    assert _act(client, request, "approve").status_code == 302
    request.refresh_from_db()
    assert request.approval_state == "approved" and request.decided_by == ledger.side.client_staff.user
    history = [label for label, _event in client.get(url).context["history"]]
    assert [str(label) for label in history] == ["作成", "申請", "承認"]


def test_a_returned_application_is_corrected_and_submitted_again(client, ledger):
    item = _receive(ledger)
    request = application(ledger.side, ledger.contract, "copy", items=[item], decide=None)
    client.force_login(ledger.side.client_admin.user)
    assert _act(client, request, "return", "部数の根拠を記載してください").status_code == 302
    client.force_login(ledger.side.contractor_staff.user)
    url = reverse("ledgers:request_detail", args=[request.pk])
    page = client.get(url).content.decode()
    assert "部数の根拠を記載してください" in page and "差戻し" in page
    edit = reverse("ledgers:request_update", args=[request.pk])
    form = client.get(edit).context["form"]
    assert form["copies"].value() == 2 and form["items"].value() == [item.pk]
    response = client.post(edit, _data("copy", item, copies="3", purpose="集計表3部の作成のため"))
    assert response.status_code == 302 and response.url == url
    request.refresh_from_db()
    assert (request.copies, request.purpose) == (3, "集計表3部の作成のため")
    assert _act(client, request, "submit").status_code == 302
    # Submitted: not changed any more until withdrawn.
    response = client.get(edit)
    assert response.status_code == 302 and response.url == url


def test_the_services_refusals_come_back_at_their_fields_and_nothing_typed_is_lost(client, ledger):
    client.force_login(ledger.side.contractor_admin.user)
    create = reverse("ledgers:request_create", args=[ledger.contract.pk, "copy"])
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(create, _data("copy", None, planned_on=yesterday, purpose="集計のため"))
    assert response.status_code == 200
    form = response.context["form"]
    assert {"items", "planned_on"} <= set(form.errors)
    assert form["purpose"].value() == "集計のため" and form["copies"].value() == "2"
    assert "field--error" in response.content.decode()
    # A bring-in of a device whose anti-virus pattern is out of date (002 §11).
    stale = _device(ledger, "PC-OLD")
    from ledgers.services.devices import device_update

    device_update(
        device=stale,
        **{**PC, "antivirus_pattern_date": timezone.localdate() - timedelta(days=400)},
        worksite=ledger.office,
        storage_place="書庫A",
        holder=ledger.worker,
        note="パターンファイルの更新が止まっていた",
        **m(ledger.side.contractor_admin),
    )
    bringin = reverse("ledgers:request_create", args=[ledger.contract.pk, "bringin"])
    response = client.post(bringin, _data("bringin", device=stale))
    assert list(response.context["form"].errors) == ["devices"]
    assert "PC-OLD" in response.context["form"].errors["devices"][0]
    # Left empty where the kind asks it: said at the field before the service is asked.
    response = client.post(bringin, _data("bringin", device=stale, counterpart="", safeguards=""))
    assert {"counterpart", "safeguards"} <= set(response.context["form"].errors)
    assert not LedgerRequest.objects.exists()


def test_an_unknown_kind_is_404(client, ledger):
    client.force_login(ledger.side.contractor_admin.user)
    for name in ("ledgers:request_list", "ledgers:request_create"):
        assert client.get(reverse(name, args=[ledger.contract.pk, "takeout"])).status_code == 404


def test_a_draft_is_404_for_the_public_body_and_left_off_its_list(client, ledger):
    draft = application(ledger.side, ledger.contract, "copy", items=[_receive(ledger)], submit=False)
    submitted = application(
        ledger.side, ledger.contract, "copy", items=[_receive(ledger, "名簿")], decide=None
    )
    for membership in (ledger.side.client_staff, ledger.side.client_admin, ledger.side.auditor):
        client.force_login(membership.user)
        assert client.get(reverse("ledgers:request_detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("ledgers:request_detail", args=[submitted.pk])).status_code == 200
        assert _listed(client, ledger.contract, "copy") == [submitted.pk]
        assert client.get(reverse("ledgers:request_update", args=[submitted.pk])).status_code == 404
        create = reverse("ledgers:request_create", args=[ledger.contract.pk, "copy"])
        assert client.get(create).status_code == 404
        assert (
            "新しく申請する"
            not in client.get(
                reverse("ledgers:request_list", args=[ledger.contract.pk, "copy"])
            ).content.decode()
        )
    client.force_login(ledger.side.contractor_staff.user)
    assert _listed(client, ledger.contract, "copy") == [submitted.pk, draft.pk]


def test_another_public_bodys_people_get_404_on_every_page(client, ledger):
    request = application(ledger.side, ledger.contract, "copy", items=[_receive(ledger)], decide=None)
    other = build_ledger("to", "他")
    urls = [
        reverse("ledgers:request_list", args=[ledger.contract.pk, "copy"]),
        reverse("ledgers:request_create", args=[ledger.contract.pk, "copy"]),
        reverse("ledgers:request_detail", args=[request.pk]),
        reverse("ledgers:request_update", args=[request.pk]),
    ]
    for membership in (other.side.client_staff, other.side.client_admin, other.side.contractor_admin):
        client.force_login(membership.user)
        for url in urls:
            assert client.get(url).status_code == 404, (membership.role, url)
        for action in ("approve", "withdraw"):
            assert _act(client, request, action).status_code == 404, (membership.role, action)
    request.refresh_from_db()
    assert request.approval_state == "submitted"


def _subcontractor(ledger):
    """An approved subcontractor of the contract, with a manager (who keeps its own part)."""
    manager = ledger.side.contractor_admin
    org = factories.contractor("再委託 株式会社")
    organisation_grant_visibility(actor=None, organisation=org, to=ledger.side.body)
    link = subcontract_services.subcontract_create(
        contract=ledger.contract,
        subcontractor=org,
        start_date=ledger.contract.start_date,
        end_date=ledger.contract.end_date,
        extent="part",
        reason="繁忙期の要員不足",
        scope="データ入力",
        information_handled="申請者の氏名",
        handles_personal_info=True,
        security_measures="施錠された作業室",
        supervision="月次報告",
        precheck_confirmed=True,
        equivalent_terms=True,
        **m(manager),
    )
    subcontract_services.subcontract_act(subcontract=link, action="submit", **m(manager))
    subcontract_services.subcontract_act(subcontract=link, action="approve", **m(ledger.side.client_admin))
    return factories.member(org, Role.CONTRACTOR_ADMIN, email="sub-requests@example.jp")


def test_a_subcontractor_sees_and_applies_for_its_own_part_only(client, ledger):
    sub = _subcontractor(ledger)
    own_device = _paper(ledger, "SUB-PAPER-1", sub)
    contractor_device = _device(ledger, "PC-001")
    theirs = application(ledger.side, ledger.contract, "disposal", devices=[contractor_device], decide=None)
    client.force_login(sub.user)
    create = reverse("ledgers:request_create", args=[ledger.contract.pk, "disposal"])
    form = client.get(create).context["form"]
    # Its own devices only on offer; the contractor's is refused as an invalid choice.
    assert list(form.fields["devices"].queryset) == [own_device]
    response = client.post(create, _data("disposal", device=contractor_device))
    assert "devices" in response.context["form"].errors
    response = client.post(create, _data("disposal", device=own_device))
    mine = LedgerRequest.objects.get(organisation=sub.organisation)
    assert response.status_code == 302 and response.url == reverse("ledgers:request_detail", args=[mine.pk])
    assert _listed(client, ledger.contract, "disposal") == [mine.pk]
    for name in ("ledgers:request_detail", "ledgers:request_update"):
        response = client.get(reverse(name, args=[theirs.pk]))
        assert response.status_code == 404 and "PC-001" not in response.content.decode()
    assert _act(client, mine, "submit").status_code == 302
    # The contractor, upstream, reads the subcontractor's application but does not change it.
    client.force_login(ledger.side.contractor_admin.user)
    assert _listed(client, ledger.contract, "disposal") == [mine.pk, theirs.pk]
    page = client.get(reverse("ledgers:request_detail", args=[mine.pk]))
    assert page.status_code == 200 and sub.organisation.name in page.content.decode()
    assert _act(client, mine, "withdraw").status_code == 404


def _count(client, url) -> int:
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("rows", [2, 6])
def test_the_list_page_queries_do_not_grow_with_its_rows(client, ledger, django_assert_num_queries, rows):
    device = _device(ledger)
    for n in range(rows):
        application(
            ledger.side,
            ledger.contract,
            "disposal",
            items=[_receive(ledger, f"情報{n}")],
            devices=[device],
            decide=None,
        )
    client.force_login(ledger.side.client_staff.user)
    url = reverse("ledgers:request_list", args=[ledger.contract.pk, "disposal"])
    client.get(url)  # warm the session and the caches
    # session, user, membership, the contract, whether the person reads it in full (else the
    # parties of its subcontractor's part), the count of the page, the unread bell, the page's
    # rows (their applicants joined), their items, their devices, the session's refresh (3),
    # the record on the audit trail that the page was read (5: its texts may name people): the
    # same at 2 or 6 rows.
    with django_assert_num_queries(18):
        response = client.get(url)
    assert len(response.context["page"].object_list) == rows and "PC-001" in response.content.decode()


@pytest.mark.parametrize("items", [1, 4])
def test_the_page_of_an_application_has_a_fixed_number_of_queries(
    client, ledger, django_assert_num_queries, items
):
    found = [_receive(ledger, f"情報{n}") for n in range(items)]
    request = application(ledger.side, ledger.contract, "copy", items=found)
    client.force_login(ledger.side.client_staff.user)
    url = reverse("ledgers:request_detail", args=[request.pk])
    client.get(url)  # warm the session and the caches
    # session, user, membership, the application (its contract, contractor, applicant and
    # drafter joined), whether the person reads the contract in full, its items, their custody
    # events and who may use them (where each stands now), its devices, the entries recorded
    # under it, its history, the unread bell, the session's refresh (3), the record on the audit
    # trail that the page was read (5: its texts may name people): the same at 1 or 4 items.
    with django_assert_num_queries(20):
        response = client.get(url)
    assert all(item.title in response.content.decode() for item in found)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_certificate_is_refused_while_anything_is_held_then_issued_and_downloaded(client, ledger):
    item, other_item = _receive(ledger), _receive(ledger, "委託先名簿")
    request = application(ledger.side, ledger.contract, "disposal", items=[item])
    other = application(ledger.side, ledger.contract, "disposal", items=[other_item])
    url = reverse("ledgers:request_detail", args=[request.pk])
    issue = reverse("ledgers:certificate_issue", args=[request.pk])
    client.force_login(ledger.side.contractor_admin.user)
    page = client.get(url)
    html = page.content.decode()
    assert page.context["certificate"]["gaps"] and "返還・廃棄証明書" in html
    assert "証明書を発行する" not in html and "証明書はまだ発行されていません。" in html
    # Posted anyway: refused with what still stands in the way, and nothing issued.
    response = client.post(issue, follow=True)
    assert response.redirect_chain == [(url, 302)]
    [refusal] = _messages(response)
    assert "証明書はまだ発行できません。" in refusal and item.title in refusal
    assert not Event.objects.filter(kind="disposal.certificate_issued").exists()
    # The public body reads the section but issues nothing.
    client.force_login(ledger.side.client_staff.user)
    assert client.get(url).context["certificate"]["can_issue"] is False
    assert client.post(issue).status_code == 404
    # Erased under the application: nothing stands in the way any more.
    for done, under in ((item, request), (other_item, other)):
        _record(
            ledger, done, "erased", method="シュレッダーで裁断", request=under, occurred_at=timezone.now()
        )
    client.force_login(ledger.side.contractor_admin.user)
    page = client.get(url)
    assert not page.context["certificate"]["gaps"] and "証明書を発行する" in page.content.decode()
    response = client.post(issue, follow=True)
    assert _messages(response) == ["返還・廃棄証明書を発行しました。"]
    [issued] = Event.objects.filter(kind="disposal.certificate_issued")
    download = reverse("ledgers:certificate_download", args=[request.pk, issued.data["file"]])
    html = response.content.decode()
    assert download in html and "証明書を再発行する" in html and "返還・廃棄証明書の発行" in html
    client.post(reverse("ledgers:certificate_issue", args=[other.pk]))
    theirs = Event.objects.filter(kind="disposal.certificate_issued").exclude(pk=issued.pk).get()
    # Whoever reads the application downloads its certificates, and only those.
    client.force_login(ledger.side.auditor.user)
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    for file_pk in (theirs.data["file"], issued.data["file"] + 1000):
        assert (
            client.get(reverse("ledgers:certificate_download", args=[request.pk, file_pk])).status_code == 404
        )
