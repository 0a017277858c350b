"""Applications (copy, provision, bring-in, disposal) made and decided through the services, for
the ledgers' tests: the contractor's manager submits, the public body's staff decides."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ledgers.services.requests import request_act, request_create

DEFAULTS = {
    "copy": {"copies": 2, "purpose": "集計作業のための作業用複写"},
    "disclosure": {"counterpart": "株式会社 印刷工房", "purpose": "通知書の封入封緘"},
    "bringin": {
        "counterpart": "発注者の庁内ネットワーク（会議室）",
        "safeguards": "最新のウイルス定義で全体スキャン済み、不正プログラムなし",
        "purpose": "庁内での設定作業",
    },
    "disposal": {"method": "erase", "purpose": "作業終了に伴う消去"},
}


def _m(membership) -> dict:
    return {"actor": membership.user, "actor_membership": membership}


def application(side, contract, kind, *, items=(), devices=(), submit=True, decide="approve", **values):
    """An application of `kind` drafted by the contractor's manager, submitted, and decided by
    the public body's staff (`decide` None leaves it submitted; submit False leaves a draft)."""
    fields = {**DEFAULTS[kind], "planned_on": timezone.localdate() + timedelta(days=1), **values}
    request = request_create(
        contract=contract, kind=kind, items=items, devices=devices, **fields, **_m(side.contractor_admin)
    )
    if submit:
        request = request_act(request=request, action="submit", **_m(side.contractor_admin))
        if decide:
            reason = "" if decide == "approve" else "理由を明記してください"
            request = request_act(request=request, action=decide, reason=reason, **_m(side.client_staff))
    return request
