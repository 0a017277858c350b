"""Every notification leads to the thing it is about; an approval request says what is to be
decided; a draft is the contractor's until it is submitted (issue 10)."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from compliance.services.reminders import reminder_sweep
from contracts.services import contract_activate
from contracts.services import roster as roster_services
from contracts.services import training as training_services
from contracts.services import worksites as worksite_services
from core.approvals import ApprovalAction as A
from core.models import Notification
from core.services.notifications import notification_create
from tests import factories
from tests.contracts.conftest import MINIMAL_PDF, START, _contract, upload_pledges
from tests.contracts.conftest import _fresh_engine_cache as _fresh_engine_cache

JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def side(db):
    return factories.side("n", "通")


@pytest.fixture
def approval_contract(side):
    from clauses.library import LIBRARY_DIR
    from clauses.services import clause_template_load

    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))
    return _contract(side, template, "R7-NOTE-A")


def _edit(side):
    return {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}


def _decide(side):
    return {"actor": side.client_staff.user, "actor_membership": side.client_staff}


def _roster_change(side, contract):
    change = roster_services.roster_change_open(contract=contract, **_edit(side))
    roster_services.roster_person_add(
        change=change, full_name="通知 太郎", start_date=START + timedelta(days=10), **_edit(side)
    )
    upload_pledges(side, change)
    return change


def _opens(client, note) -> None:
    """The notification's link answers 200 for its recipient, and the page links its title."""
    assert note.url.startswith("/"), note.url
    client.force_login(note.user)
    assert client.get(note.url).status_code == 200, note.url
    page = client.get(reverse("core:notification_list")).content.decode()
    assert f'<a href="{escape(note.url)}">{escape(note.title)}</a>' in page


@mock.patch("core.pdf.render_form", return_value=MINIMAL_PDF)
def test_roster_submitted_returned_approved_each_link_to_the_change(_pdf, client, side, approval_contract):
    change = _roster_change(side, approval_contract)
    with override("ja"):
        roster_services.roster_change_act(change=change, action=A.SUBMIT, **_edit(side))
    url = reverse("contracts:roster_change", args=[change.pk])
    requests = list(Notification.objects.filter(url=url).select_related("user"))
    assert requests and all(n.user.memberships.get().is_client_side for n in requests)
    asked = requests[0]
    # What is to be decided: the thing, its contract and contractor, who submitted it, what to do.
    assert asked.title.startswith("承認依頼")
    assert "R7-NOTE-A" in asked.body and side.contractor.name in asked.body
    assert str(side.contractor_admin.user) in asked.body
    assert "承認または差戻しを判断してください。" in asked.body
    for note in requests:
        _opens(client, note)

    roster_services.roster_change_act(
        change=change, action=A.RETURN, reason="ふりがながありません", **_decide(side)
    )
    returned = Notification.objects.get(user=side.contractor_admin.user, url=url)
    assert returned.body == "ふりがながありません"
    _opens(client, returned)

    roster_services.roster_change_act(change=change, action=A.SUBMIT, **_edit(side))
    roster_services.roster_change_act(change=change, action=A.APPROVE, **_decide(side))
    approved = Notification.objects.filter(user=side.contractor_admin.user, url=url).order_by("-pk").first()
    assert approved.pk != returned.pk
    _opens(client, approved)


def test_a_reminder_links_to_its_duty(client, side, mini_template, django_capture_on_commit_callbacks):
    admin = side.client_admin
    from contracts.services import contract_create

    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-NOTE-R",
        title="住民情報システム運用保守業務委託",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 3, 31),
        work_start_date=date(2025, 4, 14),
        clause_template=mini_template,
        handles_personal_info=True,
        contractor_responsible=None,
    )
    contract_activate(actor=admin.user, actor_membership=admin, contract=contract, signed_on=date(2025, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):  # delivery is enqueued on commit
        reminder_sweep(now=datetime(2025, 4, 7, 9, tzinfo=JST))
    note = Notification.objects.get(user=side.contractor_admin.user)
    # Several duties of one contract: the contract's page, where they are listed.
    assert note.url.startswith(reverse("contracts:contract_detail", args=[contract.pk]))
    _opens(client, note)


@pytest.fixture
def mini_template(db):
    from clauses.services import clause_template_load
    from tests.clauses.conftest import DATA

    template, _ = clause_template_load(path=DATA / "mini.yaml")
    return template


def test_a_notification_without_a_link_still_renders(client, side):
    user = side.contractor_admin.user
    notification_create(user=user, title="古いお知らせ", body="本文")
    client.force_login(user)
    page = client.get(reverse("core:notification_list"))
    assert page.status_code == 200 and "古いお知らせ" in page.content.decode()


def test_a_notification_without_text_shows_no_empty_details_box(client, side):
    user = side.contractor_admin.user
    notification_create(user=user, title="本文のないお知らせ", body="")
    notification_create(user=user, title="本文のあるお知らせ", body="本文です")
    client.force_login(user)
    body = client.get(reverse("core:notification_list")).content.decode()
    assert body.count("<details") == 1 and "本文です" in body


# --- drafts are the contractor's until submitted ------------------------------------------------

CLIENT_SIDE = ("client_admin", "client_staff", "auditor")


def _answers(client, side, url) -> dict[str, int]:
    found = {}
    for role in (*CLIENT_SIDE, "contractor_admin", "contractor_staff"):
        client.force_login(getattr(side, role).user)
        found[role] = client.get(url).status_code
    return found


@mock.patch("core.pdf.render_form", return_value=MINIMAL_PDF)
def test_the_public_body_cannot_open_a_draft_until_it_is_submitted(_pdf, client, side, approval_contract):
    change = _roster_change(side, approval_contract)
    plan = training_services.training_plan_create(
        contract=approval_contract,
        period_start=START,
        period_end=START + timedelta(days=200),
        content="特記事項の教育",
        **_edit(side),
    )
    report = training_services.training_report_create(
        contract=approval_contract, period_start=START, period_end=START + timedelta(days=100), **_edit(side)
    )
    wchange = worksite_services.worksite_change_open(contract=approval_contract, **_edit(side))
    pages = {
        "roster": reverse("contracts:roster_change", args=[change.pk]),
        "plan": reverse("contracts:training_plan", args=[plan.pk]),
        "report": reverse("contracts:training_report", args=[report.pk]),
        "worksites": reverse("contracts:worksite_change", args=[wchange.pk]),
    }
    draft = {"client_admin": 404, "client_staff": 404, "auditor": 404, "contractor_admin": 200}
    for name, url in pages.items():
        got = _answers(client, side, url)
        assert {k: got[k] for k in draft} == draft, (name, got)

    roster_services.roster_change_act(change=change, action=A.SUBMIT, **_edit(side))
    training_services.training_plan_act(plan=plan, action=A.SUBMIT, **_edit(side))
    for name in ("roster", "plan"):
        got = _answers(client, side, pages[name])
        assert all(got[r] == 200 for r in CLIENT_SIDE), (name, got)
    # Returned to the contractor for correction, it stays readable by the body that returned it.
    roster_services.roster_change_act(change=change, action=A.RETURN, reason="不備", **_decide(side))
    got = _answers(client, side, pages["roster"])
    assert all(got[r] == 200 for r in CLIENT_SIDE), got
    # Withdrawn, a plan is a draft again: the contractor's.
    training_services.training_plan_act(plan=plan, action=A.WITHDRAW, **_edit(side))
    got = _answers(client, side, pages["plan"])
    assert all(got[r] == 404 for r in CLIENT_SIDE), got


@mock.patch("core.pdf.render_form", return_value=MINIMAL_PDF)
def test_the_public_bodys_lists_leave_drafts_out(_pdf, client, side, approval_contract):
    """The roster, work-site and training pages list a draft only to the contractor's side; the
    body sees it there once it is submitted (a row it could not open would lead to a 404)."""
    change = _roster_change(side, approval_contract)
    plan = training_services.training_plan_create(
        contract=approval_contract,
        period_start=START,
        period_end=START + timedelta(days=200),
        content="特記事項の教育",
        **_edit(side),
    )
    wchange = worksite_services.worksite_change_open(contract=approval_contract, **_edit(side))
    lists = {
        "roster": (reverse("contracts:roster", args=[approval_contract.pk]), change),
        "worksites": (reverse("contracts:worksites", args=[approval_contract.pk]), wchange),
        "training": (reverse("contracts:training", args=[approval_contract.pk]), plan),
    }
    links = {
        "roster": reverse("contracts:roster_change", args=[change.pk]),
        "worksites": reverse("contracts:worksite_change", args=[wchange.pk]),
        "training": reverse("contracts:training_plan", args=[plan.pk]),
    }
    for name, (url, _obj) in lists.items():
        for role in CLIENT_SIDE:
            client.force_login(getattr(side, role).user)
            page = client.get(url)
            assert page.status_code == 200, (name, role)
            assert links[name] not in page.content.decode(), (name, role)
        client.force_login(side.contractor_admin.user)
        assert links[name] in client.get(url).content.decode(), name

    roster_services.roster_change_act(change=change, action=A.SUBMIT, **_edit(side))
    training_services.training_plan_act(plan=plan, action=A.SUBMIT, **_edit(side))
    for name in ("roster", "training"):
        client.force_login(side.client_staff.user)
        assert links[name] in client.get(lists[name][0]).content.decode(), name
