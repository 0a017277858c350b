"""A work site needs a storage place that can be locked where the clauses ask for locked storage
(000 §5.6(1), 001 §18(6), 002 §10(1), 003 §13): refused at the storage places when the site is
drafted, and at submission for any draft that still lacks one. Templates without such an article
(004; the test template) ask nothing of the kind."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from contracts.models import StoragePlace, WorksiteChange, WorksiteEntry
from contracts.services.worksites import (
    locked_storage_articles,
    worksite_add,
    worksite_change_act,
    worksite_change_open,
)
from core.approvals import ApprovalAction as A
from core.models import Event
from tests.contracts.test_worksites import CABINET, OFFICE, _form

OTHER = {"name": "机の引出し", "protection": "other", "description": "鍵はない"}


def _m(side, who="contractor_admin"):
    m = getattr(side, who)
    return {"actor": m.user, "actor_membership": m}


def _add(side, change, storage, **site):
    return worksite_add(change=change, storage_places=list(storage), **{**OFFICE, **site}, **_m(side))


def _draft_without_storage(side, contract) -> WorksiteChange:
    """A draft whose site lost its storage place, as one saved before the rule (or under a template
    revised since) would be: only the submission can still catch it."""
    change = worksite_change_open(contract=contract, **_m(side))
    entry = _add(side, change, [CABINET])
    StoragePlace.objects.filter(entry=entry).delete()
    return change


def test_the_requirement_follows_the_template(approval_contract, notice_contract):
    assert locked_storage_articles(approval_contract) == "第10条(1)"  # 所沢市 §10(1)
    assert locked_storage_articles(notice_contract) == ""


@pytest.mark.parametrize("storage", [(), (OTHER,)], ids=["none", "only-other"])
def test_a_site_without_locked_storage_is_refused_at_its_storage_places(side, approval_contract, storage):
    change = worksite_change_open(contract=approval_contract, **_m(side))
    with pytest.raises(ValidationError) as exc:
        _add(side, change, storage)
    (message,) = exc.value.message_dict["storage_places"]
    assert "第10条(1)" in message and "保管場所" in message
    assert not WorksiteEntry.objects.filter(change=change).exists()
    # One lockable place is enough, beside others.
    _add(side, change, [OTHER, CABINET])
    assert change.entries.count() == 1


def test_a_draft_without_locked_storage_is_not_submitted(side, approval_contract):
    change = _draft_without_storage(side, approval_contract)
    with pytest.raises(ValidationError) as exc:
        worksite_change_act(change=change, action=A.SUBMIT, **_m(side))
    (message,) = exc.value.messages
    assert "「本社 開発部」" in message and "第10条(1)" in message
    change.refresh_from_db()
    assert change.approval_state == "draft" and change.submitted_pdf_id is None
    assert not Event.objects.filter(kind="worksite.submitted").exists()


def test_clauses_without_locked_storage_ask_for_no_storage_place(side, notice_contract):
    change = worksite_change_open(contract=notice_contract, **_m(side))
    _add(side, change, [])
    change = worksite_change_act(change=change, action=A.SUBMIT, **_m(side))
    assert change.approval_state == "submitted"


def test_the_site_form_says_it_at_the_storage_places(client, side, approval_contract):
    change = worksite_change_open(contract=approval_contract, **_m(side))
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:worksite_add", args=[change.pk])
    page = client.get(url).content.decode()
    assert "第10条(1)" in page  # the rule is said before anyone is refused
    response = client.post(url, _form(**{"storage_places-0-name": "", "storage_places-0-protection": ""}))
    assert response.status_code == 200
    errors = response.context["formset"].non_form_errors()
    assert len(errors) == 1 and "第10条(1)" in errors[0]
    html = response.content.decode()
    assert (
        'id="storage-places-error"' in html and "storage-places-error" in html.split('id="storage-places"')[1]
    )
    assert response.context["form"]["name"].value() == "本社 開発部"  # what was typed is kept
    assert not WorksiteEntry.objects.filter(change=change).exists()


def test_the_change_page_refuses_the_submission_and_links_to_the_site(client, side, approval_contract):
    change = _draft_without_storage(side, approval_contract)
    site = change.entries.get().worksite_id
    client.force_login(side.contractor_admin.user)
    page = client.get(reverse("contracts:worksite_change", args=[change.pk])).content.decode()
    edit = reverse("contracts:worksite_edit", args=[change.pk, site])
    assert f'href="{edit}#storage-places"' in page and f'id="storage-missing-{site}"' in page
    response = client.post(
        reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "submit"}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and "「本社 開発部」" in shown[0] and "第10条(1)" in shown[0]
    assert gettext("Before you submit") in response.content.decode()
    change.refresh_from_db()
    assert change.approval_state == "draft"


def test_adding_the_storage_place_lets_it_be_submitted(client, side, approval_contract):
    change = _draft_without_storage(side, approval_contract)
    entry = change.entries.get()
    client.force_login(side.contractor_admin.user)
    edit = reverse("contracts:worksite_edit", args=[change.pk, entry.worksite_id])
    assert client.post(edit, _form(rooms="3階 301号室")).status_code == 302
    client.post(reverse("contracts:worksite_change_act", args=[change.pk]), {"action": "submit"})
    change.refresh_from_db()
    assert change.approval_state == "submitted"
    page = client.get(reverse("contracts:worksite_change", args=[change.pk])).content.decode()
    assert gettext("Before you submit") not in page
