"""Authorisation-matrix rows of subcontracting (再委託): see tests/core/authorisation/__init__.py.

Everyone who reads a contract reads its subcontracts and their applications; the entrusting
party's manager drafts and submits; the public body decides (tests/contracts/test_subcontracts.py).
A re-subcontract is applied for by the subcontractor itself, so none of the seven actors may
open that form: the subcontractor's own cells are checked by the subcontractor sweep
(`test_subcontractor_matrix` in the matrix module, with SUBCONTRACTOR_OWN below).
"""

from __future__ import annotations

from django.utils import timezone

from contracts.models import Subcontract
from contracts.services import subcontracts as services
from core.models import Role
from core.services.organisations import organisation_grant_visibility
from tests import factories

LABELS = ("a", "b")
FIELDS = {
    "extent": "part",
    "reason": "繁忙期の要員不足",
    "scope": "データ入力",
    "information_handled": "申請者の氏名",
    "handles_personal_info": True,
    "security_measures": "施錠された作業室",
    "supervision": "月次報告",
    "precheck_confirmed": True,
    "equivalent_terms": True,
}


def extend_world(mw) -> None:
    """Per side: an approved subcontract (link) to one organisation, a draft application (draft)
    to another; side a's approved subcontractor has a manager and a worker (the sweep's actors).
    Its own workers' pages are checked in tests/contracts/test_subcontracts.py."""
    found = {}
    for label in LABELS:
        side = getattr(mw.world, label)
        contract = mw.contracts[f"contract_{label}"]
        manager = side.contractor_admin
        orgs = []
        for n in (1, 2):
            org = factories.contractor(f"再委託{label}{n}株式会社")
            organisation_grant_visibility(actor=None, organisation=org, to=side.body)
            orgs.append(org)
        kwargs = {"actor": manager.user, "actor_membership": manager, "contract": contract}
        dates = {"start_date": contract.start_date, "end_date": contract.end_date}
        link = services.subcontract_create(subcontractor=orgs[0], **kwargs, **dates, **FIELDS)
        services.subcontract_act(
            actor=manager.user, actor_membership=manager, subcontract=link, action="submit"
        )
        link = services.subcontract_act(
            actor=side.client_admin.user,
            actor_membership=side.client_admin,
            subcontract=link,
            action="approve",
        )
        draft = services.subcontract_create(subcontractor=orgs[1], **kwargs, **dates, **FIELDS)
        found.update({f"link_{label}": link, f"draft_{label}": draft, f"orgs_{label}": orgs})
        if label == "a":
            mw.users["sub_admin"] = factories.member(
                orgs[0], Role.CONTRACTOR_ADMIN, email="sub-a@example.jp"
            ).user
            mw.users["sub_staff"] = factories.member(
                orgs[0], Role.CONTRACTOR_STAFF, email="sub-a-w@example.jp"
            ).user
    mw.extra["subcontracts"] = found


def _sc(mw, key):
    return mw.extra["subcontracts"][key]


LINKS = {f"link_{k}": (lambda mw, k=k: {"pk": _sc(mw, f"link_{k}").pk}) for k in LABELS}
DRAFTS = {f"draft_{k}": (lambda mw, k=k: {"pk": _sc(mw, f"draft_{k}").pk}) for k in LABELS}


def _state(mw, label: str) -> str:
    return Subcontract.objects.values_list("approval_state", flat=True).get(pk=_sc(mw, label).pk)


def _fake_pdf(form_id, context) -> bytes:
    return b"%PDF-1.7 matrix"


# (URL name, target) → {sweep actor: code}: where a subcontractor of contract_a is a party.
SUBCONTRACTOR_OWN = {
    ("contracts:subcontract", "link_a"): {"sub_admin": "200", "sub_staff": "200"},
    ("contracts:subcontract_pdf", "link_a"): {"sub_admin": "200", "sub_staff": "200"},
    ("contracts:subcontract_child_create", "link_a"): {"sub_admin": "200", "sub_staff": "404"},
    # The contract's ledgers, for the subcontractor's own part (the rows are scoped to it).
    ("ledgers:device_list", "contract_a"): {"sub_admin": "200", "sub_staff": "200"},
    ("ledgers:device_register", "contract_a"): {"sub_admin": "200", "sub_staff": "200"},
    ("ledgers:information_list", "contract_a"): {"sub_admin": "200", "sub_staff": "200"},
    ("ledgers:information_receive", "contract_a"): {"sub_admin": "200", "sub_staff": "200"},
    ("ledgers:takeout_list", "contract_a"): {"sub_admin": "200", "sub_staff": "200"},
    ("ledgers:takeout_create", "contract_a"): {"sub_admin": "200", "sub_staff": "200"},
}


NOBODY = """
                  link_a     link_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  404        404
contractor_staff  404        404
"""


# Ending an approved link: the entrusting party's manager (the contractor, for side a's link) and
# the public body's managers of the contract; the subcontractor itself never (the sweep's 404).
ENDERS = """
                  link_a     link_b
anonymous         L          L
site_admin        404        404
client_admin      {ok}       404
client_staff      {ok}       404
auditor           404        404
contractor_admin  {ok}       404
contractor_staff  404        404
"""


def _ended_on(mw, label: str):
    return Subcontract.objects.values_list("ended_on", flat=True).get(pk=_sc(mw, label).pk)


def _end_data(mw, user, label: str) -> dict:
    # The last day of its period (the world's contracts may have run out by today's date).
    ended_on = min(_sc(mw, label).end_date, timezone.localdate())
    return {"kind": "terminated", "ended_on": ended_on.isoformat(), "reason": "契約解除"}


def rows(m) -> dict:
    readers = m.CONTRACT_READERS
    editor = m.ROSTER_EDITOR
    return {
        "contracts:subcontract_list": m.Row(m.ALL_200),
        "contracts:subcontracts": m.Row(readers.format(a="contract_a", b="contract_b"), targets=m.CONTRACTS),
        "contracts:subcontract_create": m.Row(
            editor.format(a="contract_a", b="contract_b", ok=200), targets=m.CONTRACTS
        ),
        "contracts:subcontract": m.Row(readers.format(a="link_a", b="link_b"), targets=LINKS),
        "contracts:subcontract_pdf": m.Row(
            readers.format(a="link_a", b="link_b"), targets=LINKS, patches={"core.pdf.render_form": _fake_pdf}
        ),
        "contracts:subcontract_edit": m.Row(editor.format(a="draft_a", b="draft_b", ok=200), targets=DRAFTS),
        "contracts:subcontract_act": m.Row(
            editor.format(a="draft_a", b="draft_b", ok="R"),
            method=m.POST,
            targets=DRAFTS,
            data=lambda mw, user, label: {"action": "submit"},
            state=_state,
            patches={"core.pdf.render_form": _fake_pdf},
        ),
        "contracts:subcontract_end": m.Row(ENDERS.format(ok=200), targets=LINKS),
        # Only the subcontractor applies below its own link (the sweep checks that it may).
        "contracts:subcontract_child_create": m.Row(NOBODY, targets=LINKS),
    }


def post_rows(m) -> dict:
    """The POST cells of the end page, which answers GET and POST: MATRIX holds its GET cells,
    these are checked in test_scoping.py with the ledgers' (an R must have ended the link)."""
    return {
        "contracts:subcontract_end": m.Row(
            ENDERS.format(ok="R"), method=m.POST, targets=LINKS, data=_end_data, state=_ended_on
        ),
    }
