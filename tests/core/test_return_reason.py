"""A 差戻し (or 却下) without a reason is said at the reason field, on the item's own page, with
what was typed kept; not in a banner after a redirect (core.views.approvals)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from contracts.models import RosterChange
from tests.contracts.conftest import START, upload_pledges
from tests.contracts.conftest import _fresh_engine_cache as _fresh_engine_cache
from tests.contracts.conftest import approval_contract as approval_contract
from tests.contracts.conftest import side as side

MISSING = "修正できるよう、理由を入力してください。"


@pytest.fixture
def submitted(client, side, approval_contract):
    client.force_login(side.contractor_admin.user)
    client.post(reverse("contracts:roster_change_open", args=[approval_contract.pk]))
    change = RosterChange.objects.get(contract=approval_contract)
    client.post(
        reverse("contracts:roster_person_add", args=[change.pk]),
        {
            "full_name": "作業 責任者",
            "full_name_kana": "さぎょう せきにんしゃ",
            "role": "responsible",
            "employment": "employee",
            "start_date": (START + timedelta(days=10)).isoformat(),
        },
    )
    upload_pledges(side, change)
    client.post(reverse("contracts:roster_change_act", args=[change.pk]), {"action": "submit"})
    change.refresh_from_db()
    assert change.approval_state == "submitted"
    client.force_login(side.client_staff.user)
    # The contractor's own banners ("… was submitted") are shown once and gone.
    client.get(reverse("contracts:roster_change", args=[change.pk]))
    return change


def _reason_field(page: str) -> str:
    """The reason's field block of the decision form: its label, its errors and its textarea."""
    match = re.search(r'<div class="field[^"]*">\s*<label for="id_reason">.*?</textarea>', page, re.S)
    assert match, page
    return match.group(0)


@pytest.mark.parametrize("action", ["return", "reject"])
def test_a_missing_reason_is_said_at_the_field_not_in_a_banner(client, submitted, action):
    act = reverse("contracts:roster_change_act", args=[submitted.pk])
    response = client.post(act, {"action": action, "reason": "   "})
    # The item's page itself answers, no redirect, and nothing changed.
    assert response.status_code == 200
    assert response.templates[0].name == "contracts/roster/change.html"
    submitted.refresh_from_db()
    assert submitted.approval_state == "submitted"
    page = response.content.decode()
    field = _reason_field(page)
    assert 'class="field field--error"' in field
    assert f'<ul class="errorlist" id="id_reason_error"><li>{MISSING}</li></ul>' in field
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_reason_error"' in field
    assert "autofocus" in field
    # No banner: no message was queued, and the page shows the sentence only at the field.
    assert list(get_messages(response.wsgi_request)) == []
    assert 'class="messages"' not in page
    assert page.count(MISSING) == 1


def test_what_was_typed_is_kept_when_the_reason_is_refused(client, submitted):
    act = reverse("contracts:roster_change_act", args=[submitted.pk])
    too_long = "長" * 2001
    response = client.post(act, {"action": "return", "reason": too_long})
    assert response.status_code == 200
    field = _reason_field(response.content.decode())
    assert too_long in field and "2000" in field  # the text stays, with the limit said at the field
    submitted.refresh_from_db()
    assert submitted.approval_state == "submitted"


def test_with_a_reason_it_is_returned_and_said_so(client, submitted):
    act = reverse("contracts:roster_change_act", args=[submitted.pk])
    response = client.post(act, {"action": "return", "reason": "所属を記入してください"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.approval_state, submitted.decision_reason) == ("returned", "所属を記入してください")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["名簿の変更 第1号を差し戻しました。"]


def test_an_approval_needs_no_reason_and_the_page_starts_clean(client, submitted):
    page = client.get(reverse("contracts:roster_change", args=[submitted.pk])).content.decode()
    field = _reason_field(page)
    assert "errorlist" not in field and "aria-invalid" not in field and "autofocus" not in field
    response = client.post(reverse("contracts:roster_change_act", args=[submitted.pk]), {"action": "approve"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.approval_state == "approved"
