"""The contract's page (contracts:contract_detail with compliance's slots): what needs action
first, the articles folded, the filters, the print view, and its query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from compliance.selectors import DUE_SOON_DAYS
from contracts.services import contract_activate, training
from core.audit import record_event

TODAY = timezone.localdate()


def _activated(side, make_contract, **kw):
    """A contract running around today: work starts in three days (the roster is due soon)."""
    fields = {
        "start_date": TODAY - timedelta(days=40),
        "end_date": TODAY + timedelta(days=300),
        "work_start_date": TODAY + timedelta(days=3),
        **kw,
    }
    contract = make_contract(**fields)
    return contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=fields["start_date"],
    )


def _page(client, contract, **params) -> str:
    response = client.get(reverse("contracts:contract_detail", args=[contract.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def _section(body: str, start: str, end: str) -> str:
    return body[body.index(start) : body.index(end)]


def _action(body: str) -> str:
    return _section(body, 'id="h-action"', 'id="h-clauses"')


def _clauses(body: str) -> str:
    return body[body.index('id="h-clauses"') :]


def _duty(contract, key: str) -> Duty:
    return Duty.objects.get(contract=contract, obligation__key=key)


def test_overdue_and_due_soon_lead_the_page_and_a_fulfilled_duty_does_not(client, side, make_contract):
    contract = _activated(side, make_contract)
    overdue = _duty(contract, "3.3-no-ai")
    Duty.objects.filter(pk=overdue.pk).update(due_date=TODAY - timedelta(days=2))
    due_soon = _duty(contract, "2.1-roster")  # due before work starts, three days from now
    record_event(kind="person.added", object_type="contracts.person", object_id=7, contract_id=contract.pk)
    met = _duty(contract, "2.2-pledge")
    Duty.objects.filter(pk=met.pk).update(due_date=TODAY - timedelta(days=1))
    record_event(
        kind="pledge.uploaded",
        actor=side.contractor_admin.user,
        object_type="contracts.person",
        object_id=7,
        contract_id=contract.pk,
    )
    met.refresh_from_db()
    assert met.state == Duty.State.FULFILLED
    client.force_login(side.contractor_admin.user)
    body = _page(client, contract)
    action = _action(body)
    assert "対応が必要なもの" in action
    assert f"{DUE_SOON_DAYS}日以内" in action  # "soon" is said on the page
    assert f'href="#duty-{overdue.pk}"' in action and "2日超過" in action
    assert f'href="#duty-{due_soon.pk}"' in action and "あと3日" in action
    assert f'href="{reverse("compliance:duty_detail", args=[overdue.pk])}"' in action  # the item
    assert f"#duty-{met.pk}" not in action
    # Every duty still sits in its article below, the fulfilled one with its evidence in words.
    clauses = _clauses(body)
    for duty in (overdue, due_soon, met):
        assert f'id="duty-{duty.pk}"' in clauses
    assert "pledge.uploaded" not in body and "contracts.person" not in body  # no raw codes
    assert "誓約書" in clauses  # the evidence's kind, by its label


def test_articles_are_folded_and_informational_ones_say_so(client, side, make_contract):
    contract = _activated(side, make_contract)
    client.force_login(side.client_admin.user)
    clauses = _clauses(_page(client, contract))
    articles = re.findall(r'<details class="card clause" id="art-\d+"( open)?>', clauses)
    assert len(articles) == 4 and not any(articles)  # all four articles, every one folded
    first = _section(clauses, "第1条 目的", "第2条")
    assert "参考" in first and "目的を定める。" in first  # the article's text is there, folded
    # The separate list of informational articles is gone: they sit among the others.
    assert "Informational articles" not in clauses and "情報提供の条項" not in clauses


def test_filters_by_status_and_kind(client, side, make_contract):
    contract = _activated(side, make_contract)
    record_event(kind="roster.approved", actor=side.client_staff.user, contract_id=contract.pk)
    roster, periodic = _duty(contract, "2.1-roster"), _duty(contract, "3.1-periodic-report")
    client.force_login(side.contractor_admin.user)
    clauses = _clauses(_page(client, contract, status="fulfilled"))
    assert f'id="duty-{roster.pk}"' in clauses and f'id="duty-{periodic.pk}"' not in clauses
    assert re.search(r'<details class="card clause" id="art-\d+" open>', clauses)  # matches unfold
    assert "第3条" not in clauses  # an article with nothing that matches is left out
    clauses = _clauses(_page(client, contract, kind="periodic-report"))
    assert f'id="duty-{periodic.pk}"' in clauses and f'id="duty-{roster.pk}"' not in clauses
    assert "第2条" not in clauses
    clauses = _clauses(_page(client, contract, status="open", kind="roster"))
    assert "条件に合う対応事項はありません。" in clauses
    # The kinds on offer are those of this contract, in words.
    assert '<option value="periodic-report">' in clauses
    assert '<option value="incident-report">' not in clauses


def test_an_invalid_filter_is_ignored_and_said_so_at_its_field(client, side, make_contract):
    contract = _activated(side, make_contract)
    periodic = _duty(contract, "3.1-periodic-report")
    client.force_login(side.contractor_admin.user)
    clauses = _clauses(_page(client, contract, status="<script>", kind="no-such-kind"))
    assert 'id="f-status_error"' in clauses and 'id="f-kind_error"' in clauses
    assert "絞り込みに使いませんでした" in clauses
    assert f'id="duty-{periodic.pk}"' in clauses  # the list is not filtered
    assert "<script>" not in clauses


def test_the_print_view_unfolds_everything_and_ignores_the_filters(client, side, make_contract):
    contract = _activated(side, make_contract)
    periodic = _duty(contract, "3.1-periodic-report")
    client.force_login(side.client_admin.user)
    clauses = _clauses(_page(client, contract, print="1", status="fulfilled"))
    articles = re.findall(r'<details class="card clause" id="art-\d+"( open)?>', clauses)
    assert len(articles) == 4 and all(articles)
    assert f'id="duty-{periodic.pk}"' in clauses
    assert 'name="status"' not in clauses  # no filter form, and no buttons
    assert reverse("compliance:duty_waive", args=[periodic.pk]) not in clauses


def test_the_attestation_is_a_link_to_its_confirmation_page(client, side, make_contract):
    contract = _activated(side, make_contract)
    duty = _duty(contract, "3.3-no-ai")
    url = reverse("compliance:duty_attest", args=[duty.pk])
    client.force_login(side.contractor_staff.user)
    body = _page(client, contract)
    assert f'<a href="{url}">確認する</a>' in body
    assert f'action="{url}"' not in body  # no one-click POST from the contract's page
    client.force_login(side.client_admin.user)
    assert url not in _page(client, contract)  # the public body does not attest


@pytest.fixture
def training_contracts(side):
    """Two contracts of the department under 所沢市's clauses (training plans need approval)."""
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("002-*.yaml")))
    from tests.contracts.conftest import _contract

    return _contract(side, template, "R7-PAGE-1"), _contract(side, template, "R7-PAGE-2")


def _plan(side, contract, *, submit=True):
    manager = side.contractor_admin
    plan = training.training_plan_create(
        actor=manager.user,
        actor_membership=manager,
        contract=contract,
        period_start=contract.start_date,
        period_end=contract.end_date,
        content="情報セキュリティ教育",
    )
    if submit:
        training.training_plan_act(actor=manager.user, actor_membership=manager, plan=plan, action="submit")
    return plan


def test_each_side_sees_its_own_approval_items_on_this_contract_only(client, side, training_contracts):
    first, second = training_contracts
    plan = _plan(side, first)
    other = _plan(side, second)
    plan_url = reverse("contracts:training_plan", args=[plan.pk])
    other_url = reverse("contracts:training_plan", args=[other.pk])
    # The approver (staff of the contract's department) is asked to decide, here only.
    client.force_login(side.client_staff.user)
    action = _action(_page(client, first))
    assert plan_url in action and "承認待ち" in action and other_url not in action
    assert other_url in _action(_page(client, second))
    # The contractor's manager has nothing returned yet, and does not decide.
    client.force_login(side.contractor_admin.user)
    action = _action(_page(client, first))
    assert plan_url not in action and "承認待ち" not in action
    staff = side.client_staff
    training.training_plan_act(
        actor=staff.user, actor_membership=staff, plan=plan, action="return", reason="期間を直してください"
    )
    action = _action(_page(client, first))
    assert plan_url in action and "差戻し" in action and "期間を直してください" in action
    client.force_login(side.client_staff.user)
    assert plan_url not in _action(_page(client, first))
    # The auditor reads the page but decides nothing: no approval items.
    client.force_login(side.auditor.user)
    assert other_url not in _action(_page(client, second))


def test_other_parties_and_subcontractors_do_not_open_the_page(client, side, make_contract):
    """A subcontractor works from its subcontract's page; the contract's page is the parties'
    (tests/contracts/test_subcontracts.py::test_a_subcontractors_pages_show_only_its_people
    checks it with a real chain). Another body's or contractor's people get the same 404."""
    from tests import factories

    contract = _activated(side, make_contract)
    stranger = factories.side("x", "庚")
    for membership in (stranger.client_admin, stranger.contractor_admin):
        client.force_login(membership.user)
        assert client.get(reverse("contracts:contract_detail", args=[contract.pk])).status_code == 404


# session, user, membership; the contract (guardian's check a subquery); the status counts; the
# obligations, the articles and the duties (with evidence and actors joined) of the contract;
# the approval items on it (one UNION over every approvable kind, none with rows here); the
# request form's choices (the public body only); the unread notifications; the session's
# idle-timeout refresh (savepoint, update, release); for the contractor, whether it may report
# an incident on the contract (the first report's link, incidents.panels). Nothing per duty,
# article or obligation.
EXPECTED = {"client_admin": 14, "contractor_admin": 14}


@pytest.mark.parametrize("duties", [5, 50])
@pytest.mark.parametrize("role", ["client_admin", "contractor_admin"])
def test_query_count_is_the_same_at_5_and_50_duties(
    client, side, make_contract, django_assert_num_queries, duties, role
):
    contract = _activated(side, make_contract)
    base = Duty.objects.filter(contract=contract).count()
    for person in range(duties - base):  # one pledge duty per person; every third one met
        record_event(
            kind="person.added", object_type="contracts.person", object_id=person, contract_id=contract.pk
        )
        if person % 3 == 0:
            record_event(
                kind="pledge.uploaded",
                actor=side.contractor_admin.user,
                object_type="contracts.person",
                object_id=person,
                contract_id=contract.pk,
            )
    assert Duty.objects.filter(contract=contract).count() == duties
    client.force_login(getattr(side, role).user)
    url = reverse("contracts:contract_detail", args=[contract.pk])
    client.get(url)  # warm the session and the data-key cache
    with django_assert_num_queries(EXPECTED[role]):
        response = client.get(url)
    assert response.content.decode().count('<tr id="duty-') == duties


def test_a_waived_duty_shows_why_and_by_whom_and_a_draft_lists_its_articles(client, side, make_contract):
    from compliance.services.duties import duty_waive

    contract = _activated(side, make_contract)
    duty = _duty(contract, "3.1-periodic-report")
    duty_waive(
        actor=side.client_admin.user, actor_membership=side.client_admin, duty=duty, reason="報告不要と定めた"
    )
    client.force_login(side.client_admin.user)
    clauses = _clauses(_page(client, contract, status="waived"))
    assert f'id="duty-{duty.pk}"' in clauses and "報告不要と定めた" in clauses
    assert str(side.client_admin.user) in clauses
    assert f'id="duty-{_duty(contract, "3.3-no-ai").pk}"' not in clauses  # only the waived one
    draft = make_contract()
    clauses = _clauses(_page(client, draft))
    assert len(re.findall(r'<details class="card clause" id="art-\d+">', clauses)) == 4  # 第1条 too
    assert "第1条 目的" in clauses and "第4条 返還" in clauses and '<tr id="duty-' not in clauses
    assert "契約を発効すると" in clauses  # the draft says when its duties come
