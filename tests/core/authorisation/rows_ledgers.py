"""Authorisation-matrix rows of the ledgers (ledgers:): see tests/core/authorisation/__init__.py.

The device ledger: everyone who reads a contract reads its device ledger and its devices; the
contractor's managers and staff enter devices and record changes on their own running contract
(the public body's side and the site administrator, who keeps nothing, get the 404 of a missing
page); a device is changed only by the party that keeps it, so the contractor gets 404 on the
change page of its subcontractor's device (`sub_device`, kept by side a's approved
subcontractor), which it reads.

The information ledger follows the same rules: its list, an item and the slip of its receipt are
for everyone who reads the contract; receiving an item, recording an entry and correcting one are
for the contractor's managers and staff, on the items their own party holds. Side a's approved
subcontractor holds one item (`sub_item`, received by its manager with its worker on the roster):
the contractor reads it, and gets 404 on its record and correction pages.

A take-out request (持出し申請) is drafted and changed by the party that holds what goes out (its
managers and staff, while the request is editable) and decided by the public body's managers of
the contract. Per side the world holds a draft and a submitted request of the side's item: the
submitted one is read by everyone who reads the contract, a draft only by the contractor's side
and the site administrator (the public body's side gets the 404 of a missing one). Deciding
answers 404 to whoever may not decide, whether or not they read the request (the contractor, who
reads it, included), so only the deciders' cells change the state.

The applications (copy, provision to a third party, bring-in, disposal; models.requests) follow
the take-out requests' rules: a contract's list and drafting page of each kind (an unknown kind
is the 404 of a missing page), and per side a draft and a submitted copy application of the
side's item. The certificate of return or disposal is issued by the applying party's managers
and staff, on an approved disposal application of which nothing is still held, and downloaded
by whoever reads the application. Its objects (an item erased under an approved application, and
for the download a certificate issued) are built by the cell that asks for them, inside the
cell's own transaction: an item disposed of on the world's contracts would change the ledgers
that test_scoping.py lists.

The register, change, receive, record and correct pages, and a take-out request's or an
application's drafting and change pages, answer GET and POST. A row has one method, and a POST
row is also checked to answer 405 to GET, so MATRIX holds their GET cells and POST_ROWS their
POST cells (checked in test_scoping.py, with a state snapshot: an R must have written, a refusal
nothing).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest import mock

from django.utils import timezone

from contracts.services import roster as roster_services
from core.models import Event, Membership
from ledgers import events
from ledgers.forms.information import JST
from ledgers.models import CustodyEvent, Device, DeviceVersion, InformationItem, LedgerRequest, TakeoutRequest
from ledgers.services.devices import device_register
from ledgers.services.information import custody_record, information_receive
from ledgers.services.requests import disposal_certificate_issue, request_act, request_create
from ledgers.services.takeouts import takeout_request_act, takeout_request_create
from tests.contracts.conftest import upload_pledges
from tests.core.authorisation.matrix import CONTRACT_DECIDERS

LABELS = ("a", "b")
ASSETS = {"device_a": "MX-A-001", "device_b": "MX-B-001", "sub_device": "MX-SUB-A-001"}
TITLES = {"item_a": "MX 申請書 a", "item_b": "MX 申請書 b", "sub_item": "MX 再委託分 a"}
SUB_WORKER = "再委託 作業者 a"
TAKEOUT = {
    "purpose": "情報政策課での説明",
    "destination": "公共団体 会議室",
    "protection": "施錠できるケースに入れて運ぶ",
}
# What the world's applications say beyond the item (a copy; a provision, drafted by the matrix).
COPY = {"copies": 2, "purpose": "集計作業のための作業用複写", "safeguards": "施錠保管"}
DISCLOSURE = {"counterpart": "株式会社 印刷工房", "purpose": "通知書の封入封緘"}


def _paper(worksite) -> dict:
    # Paper files: no anti-virus or update fields to fill in, only where they are kept.
    return {"kind": "paper", "owner": "company", "worksite": worksite, "storage_place": "書庫A"}


def _start_of_today() -> datetime:
    # The world's entries happen at the start of today (Japan's day, the ledger's): the roster and
    # the work sites took effect today, and an entry the matrix posts later, typed to the minute,
    # still comes after them.
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _sub_worker(mw):
    """The approved subcontractor's worker, put on contract_a's roster in force by the
    contractor's manager (the world's roster has only the contractor's own people).

    Notice is enough under these clauses, and a contract has one open change at a time: the
    world's open draft carries the worker and is notified, and a new draft with a new drafted
    person takes its place in the world (the roster rows' `change_a` and `drafted_a`)."""
    side, contract = mw.world.a, mw.contracts["contract_a"]
    edit = {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}
    change = roster_services.roster_change_open(contract=contract, **edit)
    assert change.pk == mw.roster["change_a"].pk
    worker = roster_services.roster_person_add(
        change=change,
        full_name=SUB_WORKER,
        start_date=date(2025, 4, 14),
        employer=mw.extra["subcontracts"]["orgs_a"][0],
        employment="subcontractor",
        **edit,
    ).person
    upload_pledges(side, change)
    roster_services.roster_change_act(change=change, action="submit", **edit)
    draft = roster_services.roster_change_open(contract=contract, **edit)
    drafted = roster_services.roster_person_add(
        change=draft, full_name="再追加 a", start_date=date(2025, 4, 14), **edit
    ).person
    upload_pledges(side, draft)
    mw.roster.update({"change_a": draft, "drafted_a": drafted})
    return worker


def _receive(membership, contract, title: str, person, site):
    """An item received by the party of `membership`, and one use of it (an entry to correct)."""
    moment = _start_of_today()
    receipt = information_receive(
        actor=membership.user,
        actor_membership=membership,
        contract=contract,
        title=title,
        source="公共団体 情報政策課",
        classification="personal",
        medium="paper",
        person=person,
        counterpart="情報政策課 担当者",
        worksite=site,
        storage_place="書庫A",
        occurred_at=moment,
    )
    used = custody_record(
        actor=membership.user,
        actor_membership=membership,
        item=receipt.item,
        kind="used",
        person=person,
        occurred_at=moment,
    )
    return receipt, used


def extend_world(mw) -> None:
    """Per side: a device entered by the contractor's manager at the side's work site in force
    (matrix_worksites); on contract_a also one kept by the approved subcontractor whose manager
    is a sweep actor (matrix_subcontracts). Likewise an item of information per side, received by
    the contractor's manager and used once by the person on the roster, and on contract_a one
    received by the subcontractor's manager and used by its worker."""
    found = {}
    for label in LABELS:
        manager = getattr(mw.world, label).contractor_admin
        found[f"device_{label}"] = device_register(
            actor=manager.user,
            actor_membership=manager,
            contract=mw.contracts[f"contract_{label}"],
            asset_number=ASSETS[f"device_{label}"],
            **_paper(mw.extra["worksites"][f"site_{label}"]),
        ).device
    sub = Membership.objects.get(
        user=mw.users["sub_admin"], organisation=mw.extra["subcontracts"]["orgs_a"][0]
    )
    found["sub_device"] = device_register(
        actor=sub.user,
        actor_membership=sub,
        contract=mw.contracts["contract_a"],
        asset_number=ASSETS["sub_device"],
        **_paper(mw.extra["worksites"]["site_a"]),
    ).device
    for label in LABELS:
        manager, key = getattr(mw.world, label).contractor_admin, f"item_{label}"
        receipt, used = _receive(
            manager,
            mw.contracts[f"contract_{label}"],
            TITLES[key],
            mw.roster[f"person_{label}"],
            mw.extra["worksites"][f"site_{label}"],
        )
        found.update({key: receipt.item, f"receipt_{label}": receipt, f"used_{label}": used})
    found["sub_worker"] = worker = _sub_worker(mw)
    receipt, used = _receive(
        sub, mw.contracts["contract_a"], TITLES["sub_item"], worker, mw.extra["worksites"]["site_a"]
    )
    found.update({"sub_item": receipt.item, "sub_receipt": receipt, "sub_used": used})
    for label in LABELS:
        found.update(_takeouts(mw, label, found[f"item_{label}"]))
        found.update(_applications(mw, label, found[f"item_{label}"]))
    mw.extra["ledgers"] = found


def _planned(days: int) -> datetime:
    # A take-out is approved before it happens: the world's requests go out tomorrow, so the
    # matrix's approvals later today still come before them.
    return timezone.now() + timedelta(days=days)


def _takeouts(mw, label: str, item) -> dict:
    """A draft and a submitted take-out request of the side's item, drafted by the contractor's
    manager for the person on the roster who received it (who may use it)."""
    manager = getattr(mw.world, label).contractor_admin
    edit = {"actor": manager.user, "actor_membership": manager}
    made = [
        takeout_request_create(
            contract=mw.contracts[f"contract_{label}"],
            items=[item],
            person=mw.roster[f"person_{label}"],
            planned_out_at=_planned(1),
            planned_return_at=_planned(2),
            **TAKEOUT,
            **edit,
        )
        for _ in range(2)
    ]
    submitted = takeout_request_act(request=made[1], action="submit", **edit)
    return {f"takeout_draft_{label}": made[0], f"takeout_submitted_{label}": submitted}


def _tomorrow() -> date:
    # An application is decided before its day: the world's are planned for tomorrow.
    return timezone.localdate() + timedelta(days=1)


def _applications(mw, label: str, item) -> dict:
    """A draft and a submitted copy application of the side's item, by the contractor's manager."""
    manager = getattr(mw.world, label).contractor_admin
    edit = {"actor": manager.user, "actor_membership": manager}
    made = [
        request_create(
            contract=mw.contracts[f"contract_{label}"],
            kind="copy",
            items=[item],
            planned_on=_tomorrow(),
            **COPY,
            **edit,
        )
        for _ in range(2)
    ]
    submitted = request_act(request=made[1], action="submit", **edit)
    return {f"request_draft_{label}": made[0], f"request_submitted_{label}": submitted}


def _disposed(mw, label: str, *, issued: bool) -> dict:
    """An approved disposal application of an item of the column's side that was then erased under
    it, so that nothing stands between it and its certificate (and, if `issued`, its certificate).
    Built when the cell asks for it, in the cell's transaction (see the module's docstring)."""
    side = label[-1]
    manager, staff = getattr(mw.world, side).contractor_admin, getattr(mw.world, side).client_staff
    edit = {"actor": manager.user, "actor_membership": manager}
    person = mw.roster[f"person_{side}"]
    receipt, _used = _receive(
        manager,
        mw.contracts[f"contract_{side}"],
        f"MX 廃棄分 {side}",
        person,
        mw.extra["worksites"][f"site_{side}"],
    )
    request = request_create(
        contract=receipt.item.contract,
        kind="disposal",
        items=[receipt.item],
        method="erase",
        purpose="作業終了に伴う消去",
        planned_on=_tomorrow(),
        **edit,
    )
    request_act(request=request, action="submit", **edit)
    request = request_act(request=request, action="approve", actor=staff.user, actor_membership=staff)
    custody_record(
        item=receipt.item,
        kind="erased",
        person=person,
        method="シュレッダーで裁断",
        request=request,
        occurred_at=timezone.now(),
        **edit,
    )
    if not issued:
        return {"pk": request.pk}
    with mock.patch("core.pdf.render_form", _fake_pdf):
        stored = disposal_certificate_issue(request=request, **edit)
    return {"pk": request.pk, "file_pk": stored.pk}


def _device(mw, key) -> Device:
    return mw.extra["ledgers"][key]


def _found(mw, key):
    return mw.extra["ledgers"][key]


DEVICES = {k: (lambda mw, k=k: {"pk": _device(mw, k).pk}) for k in ASSETS}
ITEMS = {k: (lambda mw, k=k: {"pk": _found(mw, k).pk}) for k in ("item_a", "item_b", "sub_item")}
# The receipt (受領証) of each item, and a use of it (an entry that can be corrected).
RECEIPTS = {k: (lambda mw, k=k: {"pk": _found(mw, k).pk}) for k in ("receipt_a", "receipt_b", "sub_receipt")}
USES = {k: (lambda mw, k=k: {"pk": _found(mw, k).pk}) for k in ("used_a", "used_b", "sub_used")}
# The take-out requests, by the table's column (draft_a …) → the world's key (takeout_draft_a …).
TAKEOUT_DRAFTS = {f"draft_{k}": (lambda mw, k=k: {"pk": _found(mw, f"takeout_draft_{k}").pk}) for k in LABELS}
TAKEOUT_SUBMITTED = {
    f"submitted_{k}": (lambda mw, k=k: {"pk": _found(mw, f"takeout_submitted_{k}").pk}) for k in LABELS
}
# A contract's applications of each kind, and of a kind that does not exist: the table's column
# (copy_a, prov_b …, short to keep the tables readable) → the URL's kind.
KIND_COLUMNS = {"copy": "copy", "prov": "disclosure", "brin": "bringin", "disp": "disposal", "bogus": "bogus"}
REQUEST_KINDS = {
    f"{column}_{k}": (lambda mw, kind=kind, k=k: {"pk": mw.contracts[f"contract_{k}"].pk, "kind": kind})
    for column, kind in KIND_COLUMNS.items()
    for k in LABELS
}
# The contract's drafting page of the kinds the matrix posts (their forms differ by kind).
REQUEST_POSTED_KINDS = {k: REQUEST_KINDS[k] for k in ("copy_a", "copy_b", "prov_a", "prov_b")}
REQUEST_DRAFTS = {f"draft_{k}": (lambda mw, k=k: {"pk": _found(mw, f"request_draft_{k}").pk}) for k in LABELS}
REQUEST_SUBMITTED = {
    f"submitted_{k}": (lambda mw, k=k: {"pk": _found(mw, f"request_submitted_{k}").pk}) for k in LABELS
}
# Built by the cell (see _disposed): nothing of it still held; and with a certificate issued.
DISPOSALS = {f"disposal_{k}": (lambda mw, k=k: _disposed(mw, k, issued=False)) for k in LABELS}
CERTIFICATES = {f"certificate_{k}": (lambda mw, k=k: _disposed(mw, k, issued=True)) for k in LABELS}


# --- POST bodies and what they may change ---------------------------------------------------------


def _register_data(mw, user, label: str) -> dict:
    # shared_a and shared_b (matrix_tenancy's columns, when the row is over CONTRACTS) are refused
    # before the form is read, so any side's site will do there.
    site = mw.extra["worksites"][f"site_{label[-1]}"]
    return {
        "asset_number": "MX-NEW-001",
        "kind": "paper",
        "owner": "company",
        "worksite": site.pk,
        "storage_place": "書庫A",
        "status": "in_use",
        "effective_on": timezone.localdate().isoformat(),
    }


def _change_data(mw, user, label: str) -> dict:
    latest = _device(mw, label).versions.order_by("-number").first()
    return {
        "kind": latest.kind,
        "owner": latest.owner,
        "worksite": latest.worksite_id,
        "storage_place": "書庫B",
        "status": latest.status,
        "effective_on": timezone.localdate().isoformat(),
        "note": "保管場所の変更",
    }


def _devices_on(mw, label: str) -> int:
    return Device.objects.filter(contract=mw.contracts[label]).count()


def _versions_of(mw, label: str) -> int:
    return DeviceVersion.objects.filter(device=_device(mw, label)).count()


def _just_now() -> dict:
    # The form reads a date and a time to the minute in Japan's time (never in the future).
    now = timezone.localtime()
    return {"occurred_at": now.date().isoformat(), "occurred_time": now.strftime("%H:%M")}


def _receive_data(mw, user, label: str) -> dict:
    side = label[-1]
    return {
        "title": "MX 新規受領",
        "source": "公共団体 情報政策課",
        "classification": "personal",
        "medium": "paper",
        "person": mw.roster[f"person_{side}"].pk,
        "counterpart": "情報政策課 担当者",
        "worksite": mw.extra["worksites"][f"site_{side}"].pk,
        "storage_place": "書庫A",
        **_just_now(),
    }


def _record_data(mw, user, label: str) -> dict:
    # A use by the person who received it (who may use it, as the receipt named nobody else).
    return {
        "kind": "used",
        "person": _found(mw, label).custody_events.get(sequence=1).person_id,
        **_just_now(),
    }


def _correct_data(mw, user, label: str) -> dict:
    return {"reason": "別の資料の利用を誤って記録した"}


def _items_on(mw, label: str) -> int:
    return InformationItem.objects.filter(contract=mw.contracts[label]).count()


def _events_of(mw, label: str) -> int:
    return CustodyEvent.objects.filter(item=_found(mw, label)).count()


def _corrections_of(mw, label: str) -> int:
    return CustodyEvent.objects.filter(corrects=_found(mw, label)).count()


def _takeout(mw, label: str) -> TakeoutRequest:
    # A column (draft_a, submitted_b) names the world's takeout_draft_a, takeout_submitted_b.
    return _found(mw, f"takeout_{label}")


def _in_japan(days: int) -> str:
    # The form reads the planned times to the minute in Japan's time.
    return _planned(days).astimezone(JST).strftime("%Y-%m-%dT%H:%M")


def _takeout_data(mw, user, label: str) -> dict:
    # The side's item and the person who received it; the other side's are refused before the
    # form is read, so the column's own side will do there.
    side = label[-1]
    return {
        "items": [_found(mw, f"item_{side}").pk],
        "person": mw.roster[f"person_{side}"].pk,
        "planned_out_at": _in_japan(1),
        "planned_return_at": _in_japan(2),
        **TAKEOUT,
    }


def _takeout_change_data(mw, user, label: str) -> dict:
    return {**_takeout_data(mw, user, label), "purpose": "情報政策課での説明と確認"}


def _takeouts_on(mw, label: str) -> int:
    return TakeoutRequest.objects.filter(contract=mw.contracts[label]).count()


def _purpose_of(mw, label: str) -> str:
    return TakeoutRequest.objects.values_list("purpose", flat=True).get(pk=_takeout(mw, label).pk)


def _approval_state_of(mw, label: str) -> str:
    return TakeoutRequest.objects.values_list("approval_state", flat=True).get(pk=_takeout(mw, label).pk)


def _request_data(mw, user, label: str) -> dict:
    # The column's kind (copy_a, prov_b) with the side's item; the other side's are refused
    # before the form is read.
    column, side = label.rsplit("_", 1)
    values = COPY if column == "copy" else DISCLOSURE
    return {
        "items": [_found(mw, f"item_{side}").pk],
        **values,
        "planned_on": _tomorrow().isoformat(),
    }


def _request_change_data(mw, user, label: str) -> dict:
    side = label[-1]
    return {**_request_data(mw, user, f"copy_{side}"), "purpose": "集計作業と検算のための作業用複写"}


def _requests_on(mw, label: str) -> int:
    return LedgerRequest.objects.filter(contract=mw.contracts[f"contract_{label[-1]}"]).count()


def _request_purpose(mw, label: str) -> str:
    return LedgerRequest.objects.values_list("purpose", flat=True).get(pk=_found(mw, f"request_{label}").pk)


def _request_state(mw, label: str) -> str:
    pk = _found(mw, f"request_{label}").pk
    return LedgerRequest.objects.values_list("approval_state", flat=True).get(pk=pk)


def _certificates_on(mw, label: str) -> int:
    # Counted on the contract: the cell builds the application only when it is asked for.
    return Event.objects.filter(
        kind=events.DISPOSAL_CERTIFICATE_ISSUED, contract_id=mw.contracts[f"contract_{label[-1]}"].pk
    ).count()


def _fake_pdf(form_id, context) -> bytes:
    return b"%PDF-1.7 matrix"


# --- the tables -----------------------------------------------------------------------------------

# The contractor's managers and staff, on their own contract; nobody else (the site administrator
# acts for no party).
KEEPERS = """
                  contract_a contract_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  {ok}        404
contractor_staff  {ok}        404
"""
# What a party keeps (a device, an item of information, an entry about it): side a's own, side
# b's, and side a's subcontractor's, which the contractor upstream of it reads too.
READ_KEPT = """
                  {a} {b} {sub}
anonymous         L          L          L
site_admin        200        200        200
client_admin      200        404        200
client_staff      200        404        200
auditor           200        404        200
contractor_admin  200        404        200
contractor_staff  200        404        200
"""
# Its own party's only: the contractor reads its subcontractor's but does not change it.
CHANGE_KEPT = """
                  {a} {b} {sub}
anonymous         L          L          L
site_admin        404        404        404
client_admin      404        404        404
client_staff      404        404        404
auditor           404        404        404
contractor_admin  {ok}        404        404
contractor_staff  {ok}        404        404
"""
# A take-out request: a submitted one is read by the contract's readers, a draft (the requesting
# side's until it is submitted) only by the contractor's side and the site administrator.
READ_TAKEOUT = """
                  draft_a    draft_b    submitted_a submitted_b
anonymous         L          L          L           L
site_admin        200        200        200         200
client_admin      404        404        200         404
client_staff      404        404        200         404
auditor           404        404        200         404
contractor_admin  200        404        200         404
contractor_staff  200        404        200         404
"""
# A draft is changed by the requesting party's managers and staff; the site administrator, who
# requests nothing, gets the 404 of a missing page.
CHANGE_TAKEOUT = """
                  draft_a    draft_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  {ok}        404
contractor_staff  {ok}        404
"""
# A contract's applications of each kind: read by the contract's readers; an unknown kind is the
# 404 of a missing page for everyone.
READ_REQUEST_KINDS = """
                  copy_a  copy_b  prov_a  prov_b  brin_a  brin_b  disp_a  disp_b  bogus_a bogus_b
anonymous         L       L       L       L       L       L       L       L       L       L
site_admin        200     200     200     200     200     200     200     200     404     404
client_admin      200     404     200     404     200     404     200     404     404     404
client_staff      200     404     200     404     200     404     200     404     404     404
auditor           200     404     200     404     200     404     200     404     404     404
contractor_admin  200     404     200     404     200     404     200     404     404     404
contractor_staff  200     404     200     404     200     404     200     404     404     404
"""
# Applied for by the contractor's managers and staff on their own running contract.
KEEP_REQUEST_KINDS = """
                  copy_a  copy_b  prov_a  prov_b  brin_a  brin_b  disp_a  disp_b  bogus_a bogus_b
anonymous         L       L       L       L       L       L       L       L       L       L
site_admin        404     404     404     404     404     404     404     404     404     404
client_admin      404     404     404     404     404     404     404     404     404     404
client_staff      404     404     404     404     404     404     404     404     404     404
auditor           404     404     404     404     404     404     404     404     404     404
contractor_admin  {ok}    404     {ok}    404     {ok}    404     {ok}    404     404     404
contractor_staff  {ok}    404     {ok}    404     {ok}    404     {ok}    404     404     404
"""
# The drafting page of the two kinds the matrix posts.
POST_REQUEST_KINDS = """
                  copy_a  copy_b  prov_a  prov_b
anonymous         L       L       L       L
site_admin        404     404     404     404
client_admin      404     404     404     404
client_staff      404     404     404     404
auditor           404     404     404     404
contractor_admin  R       404     R       404
contractor_staff  R       404     R       404
"""
# The certificate of an approved disposal application of which nothing is still held: issued by
# the applying party's managers and staff; the public body, which reads it, issues nothing.
ISSUE_CERTIFICATE = """
                  disposal_a disposal_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  R          404
contractor_staff  R          404
"""
DEVICE_COLUMNS = {"a": "device_a", "b": "device_b", "sub": "sub_device"}
ITEM_COLUMNS = {"a": "item_a", "b": "item_b", "sub": "sub_item"}
RECEIPT_COLUMNS = {"a": "receipt_a", "b": "receipt_b", "sub": "sub_receipt"}
USE_COLUMNS = {"a": "used_a", "b": "used_b", "sub": "sub_used"}


def _subcontractor_cells() -> None:
    """The approved subcontractor of contract_a keeps its own part of the contract's ledgers, so
    it lists and drafts its own applications of each kind there (the rows are scoped to its
    part), as it does take-out requests. The subcontractor sweep (test_matrix.py) reads these
    cells from matrix_subcontracts.SUBCONTRACTOR_OWN: they join it from here, with the rows."""
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    for column in ("copy", "prov", "brin", "disp"):
        for name in ("ledgers:request_list", "ledgers:request_create"):
            SUBCONTRACTOR_OWN[(name, f"{column}_a")] = {"sub_admin": "200", "sub_staff": "200"}


def rows(m) -> dict:
    _subcontractor_cells()
    readers = m.CONTRACT_READERS.format(a="contract_a", b="contract_b")
    return {
        "ledgers:device_list": m.Row(readers, targets=m.CONTRACTS),
        "ledgers:device_register": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:device_detail": m.Row(READ_KEPT.format(**DEVICE_COLUMNS), targets=DEVICES),
        "ledgers:device_update": m.Row(CHANGE_KEPT.format(**DEVICE_COLUMNS, ok=200), targets=DEVICES),
        "ledgers:information_list": m.Row(readers, targets=m.CONTRACTS),
        "ledgers:information_receive": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:information_detail": m.Row(READ_KEPT.format(**ITEM_COLUMNS), targets=ITEMS),
        "ledgers:custody_record": m.Row(CHANGE_KEPT.format(**ITEM_COLUMNS, ok=200), targets=ITEMS),
        "ledgers:custody_correct": m.Row(CHANGE_KEPT.format(**USE_COLUMNS, ok=200), targets=USES),
        # The slip of an item's receipt, for whoever may see the item.
        "ledgers:custody_slip_pdf": m.Row(
            READ_KEPT.format(**RECEIPT_COLUMNS),
            targets=RECEIPTS,
            patches={"core.pdf.render_form": _fake_pdf},
        ),
        "ledgers:takeout_list": m.Row(readers, targets=m.CONTRACTS),
        "ledgers:takeout_create": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:takeout_detail": m.Row(READ_TAKEOUT, targets={**TAKEOUT_DRAFTS, **TAKEOUT_SUBMITTED}),
        "ledgers:takeout_update": m.Row(CHANGE_TAKEOUT.format(ok=200), targets=TAKEOUT_DRAFTS),
        # The public body's managers approve; whoever may not decide gets 404 and changes nothing.
        "ledgers:takeout_act": m.Row(
            CONTRACT_DECIDERS.format(a="submitted_a", b="submitted_b"),
            method=m.POST,
            targets=TAKEOUT_SUBMITTED,
            data=lambda mw, user, label: {"action": "approve"},
            state=_approval_state_of,
        ),
        # The applications (models.requests): as the take-out requests, per kind.
        "ledgers:request_list": m.Row(READ_REQUEST_KINDS, targets=REQUEST_KINDS),
        "ledgers:request_create": m.Row(KEEP_REQUEST_KINDS.format(ok=200), targets=REQUEST_KINDS),
        "ledgers:request_detail": m.Row(READ_TAKEOUT, targets={**REQUEST_DRAFTS, **REQUEST_SUBMITTED}),
        "ledgers:request_update": m.Row(CHANGE_TAKEOUT.format(ok=200), targets=REQUEST_DRAFTS),
        "ledgers:request_act": m.Row(
            CONTRACT_DECIDERS.format(a="submitted_a", b="submitted_b"),
            method=m.POST,
            targets=REQUEST_SUBMITTED,
            data=lambda mw, user, label: {"action": "approve"},
            state=_request_state,
        ),
        "ledgers:certificate_issue": m.Row(
            ISSUE_CERTIFICATE,
            method=m.POST,
            targets=DISPOSALS,
            state=_certificates_on,
            patches={"core.pdf.render_form": _fake_pdf},
        ),
        # Whoever reads the application downloads its certificates.
        "ledgers:certificate_download": m.Row(
            m.CONTRACT_READERS.format(a="certificate_a", b="certificate_b"), targets=CERTIFICATES
        ),
    }


def post_rows(m) -> dict:
    """The POST cells of the pages that answer GET and POST (see the module's docstring)."""
    return {
        "ledgers:device_register": m.Row(
            KEEPERS.format(ok="R"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=_register_data,
            state=_devices_on,
        ),
        "ledgers:device_update": m.Row(
            CHANGE_KEPT.format(**DEVICE_COLUMNS, ok="R"),
            method=m.POST,
            targets=DEVICES,
            data=_change_data,
            state=_versions_of,
        ),
        "ledgers:information_receive": m.Row(
            KEEPERS.format(ok="R"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=_receive_data,
            state=_items_on,
        ),
        "ledgers:custody_record": m.Row(
            CHANGE_KEPT.format(**ITEM_COLUMNS, ok="R"),
            method=m.POST,
            targets=ITEMS,
            data=_record_data,
            state=_events_of,
        ),
        "ledgers:custody_correct": m.Row(
            CHANGE_KEPT.format(**USE_COLUMNS, ok="R"),
            method=m.POST,
            targets=USES,
            data=_correct_data,
            state=_corrections_of,
        ),
        "ledgers:takeout_create": m.Row(
            KEEPERS.format(ok="R"),
            method=m.POST,
            targets=m.CONTRACTS,
            data=_takeout_data,
            state=_takeouts_on,
        ),
        "ledgers:takeout_update": m.Row(
            CHANGE_TAKEOUT.format(ok="R"),
            method=m.POST,
            targets=TAKEOUT_DRAFTS,
            data=_takeout_change_data,
            state=_purpose_of,
        ),
        "ledgers:request_create": m.Row(
            POST_REQUEST_KINDS,
            method=m.POST,
            targets=REQUEST_POSTED_KINDS,
            data=_request_data,
            state=_requests_on,
        ),
        "ledgers:request_update": m.Row(
            CHANGE_TAKEOUT.format(ok="R"),
            method=m.POST,
            targets=REQUEST_DRAFTS,
            data=_request_change_data,
            state=_request_purpose,
        ),
    }
