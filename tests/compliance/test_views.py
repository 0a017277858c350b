from datetime import date

import pytest
from django.urls import reverse
from django.utils.translation import override
from icalendar import Calendar

from compliance.models import Duty
from contracts.models import Contract
from contracts.services import contract_activate
from core.audit import event_kind_label, record_event
from core.models import Event, Notification


def _activated(side, make_contract, **kw):
    contract = make_contract(**kw)
    return contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=date(2025, 4, 1),
    )


def test_contract_page_shows_clause_duty_and_evidence_to_all_three_roles(client, side, make_contract):
    contract = _activated(side, make_contract)
    record_event(kind="roster.approved", actor=side.client_staff.user, contract_id=contract.pk)
    for membership in (side.client_admin, side.contractor_admin, side.auditor):
        client.force_login(membership.user)
        body = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
        assert "第2条 体制" in body
        with override("ja"):
            assert event_kind_label("roster.approved") in body  # the fulfilled duty's evidence, in words
        assert "令和7年4月14日" in body  # its due date in 和暦
        client.logout()


def test_contractor_confirms_an_attestation_from_the_page(client, side, make_contract):
    contract = _activated(side, make_contract)
    duty = Duty.objects.get(contract=contract, obligation__key="3.3-no-ai")
    client.force_login(side.contractor_staff.user)
    response = client.post(reverse("compliance:duty_attest", args=[duty.pk]))
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED
    assert duty.evidence_event.kind == "attestation.confirmed"
    assert duty.evidence_event.actor == side.contractor_staff.user


def test_public_body_waives_with_a_reason_and_cannot_without(client, side, make_contract):
    contract = _activated(side, make_contract)
    duty = Duty.objects.get(contract=contract, obligation__key="3.1-periodic-report")
    client.force_login(side.client_admin.user)
    response = client.post(reverse("compliance:duty_waive", args=[duty.pk]), {"reason": "  "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(
        reverse("compliance:duty_waive", args=[duty.pk]), {"reason": "仕様書で報告不要と定めた"}
    )
    assert response.status_code == 302
    duty.refresh_from_db()
    assert duty.state == Duty.State.WAIVED and duty.waived_by == side.client_admin.user
    assert Event.objects.filter(kind="duty.waived", contract_id=contract.pk).exists()


def test_contractor_cannot_waive(client, side, make_contract):
    contract = _activated(side, make_contract)
    duty = Duty.objects.filter(contract=contract).first()
    client.force_login(side.contractor_admin.user)
    assert client.get(reverse("compliance:duty_waive", args=[duty.pk])).status_code == 404


def test_public_body_requests_a_report(client, side, make_contract):
    contract = _activated(side, make_contract, department=side.dept)
    client.force_login(side.client_staff.user)  # staff of the contract's department
    response = client.post(
        reverse("compliance:duty_request", args=[contract.pk]),
        {"obligation": "3.2-report-on-request", "note": "至急"},
    )
    assert response.status_code == 302
    assert Duty.objects.filter(contract=contract, obligation__key="3.2-report-on-request").exists()


def test_create_and_activate_contract_through_the_pages(client, side, mini_template):
    client.force_login(side.client_staff.user)
    response = client.post(
        reverse("contracts:contract_create"),
        {
            "number": "R7-100",
            "title": "テスト業務",
            "contractor": side.contractor.pk,
            "clause_template": mini_template.pk,
            "start_date": "2025-04-01",
            "end_date": "2026-03-31",
            "work_start_date": "2026-05-01",
            "handles_personal_info": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["work_start_date"]  # outside the period: refused, kept
    assert response.context["form"]["title"].value() == "テスト業務"
    response = client.post(
        reverse("contracts:contract_create"),
        {
            "number": "R7-100",
            "title": "テスト業務",
            "contractor": side.contractor.pk,
            "clause_template": mini_template.pk,
            "start_date": "2025-04-01",
            "end_date": "2026-03-31",
            "work_start_date": "2025-04-14",
            "handles_personal_info": "on",
        },
    )
    assert response.status_code == 302
    contract = Contract.objects.get(number="R7-100")
    assert contract.department == side.dept  # department staff register for their department
    response = client.post(
        reverse("contracts:contract_activate", args=[contract.pk]), {"signed_on": "2025-04-01"}
    )
    assert response.status_code == 302
    assert (
        Duty.objects.filter(contract=contract).count() == 4
    )  # the return at the end is there from activation
    # The contractor now sees it; another body's staff does not.
    client.force_login(side.contractor_staff.user)
    assert client.get(reverse("contracts:contract_detail", args=[contract.pk])).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_contract_list_query_count_is_constant(client, side, make_contract, django_assert_num_queries, n):
    for _ in range(n):
        _activated(side, make_contract)
    client.force_login(side.contractor_admin.user)
    client.get(reverse("contracts:contract_list"))  # warm the session
    # session, user, membership, count, page (guardian's check is a subquery), statuses, unread
    # notifications, and the session's idle-timeout refresh (savepoint, update, release).
    with django_assert_num_queries(10):
        response = client.get(reverse("contracts:contract_list"))
    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("people", [1, 20])
def test_contract_page_query_count_is_constant(
    client, side, make_contract, django_assert_num_queries, people
):
    contract = _activated(side, make_contract)
    for person in range(people):
        record_event(
            kind="person.added", object_type="contracts.person", object_id=person, contract_id=contract.pk
        )
    client.force_login(side.client_admin.user)
    client.get(reverse("contracts:contract_detail", args=[contract.pk]))
    # session, user, membership, contract, statuses, obligations, articles (informational ones
    # included), duties, approval items on the contract (one UNION), request choices, unread
    # notifications, session refresh (3): the same for 1 or 20 people
    # (tests/compliance/test_contract_page.py asserts it at 5 and 50 duties).
    with django_assert_num_queries(14):
        client.get(reverse("contracts:contract_detail", args=[contract.pk]))


def test_home_pages_show_contracts_and_due_items(client, side, make_contract):
    _activated(side, make_contract)
    client.force_login(side.contractor_admin.user)
    body = client.get(reverse("core:home")).content.decode()
    assert "R7-" in body and 'id="h-due"' in body
    client.force_login(side.auditor.user)
    body = client.get(reverse("core:home")).content.decode()
    assert 'id="h-overview"' in body


def test_calendar_feed_is_private_and_revocable(client, side, make_contract):
    _activated(side, make_contract)
    client.force_login(side.contractor_admin.user)
    response = client.post(reverse("compliance:calendar_settings"), {"action": "issue"})
    url = response.context["new_url"]
    path = url[url.index("/calendar/") :]
    client.logout()
    feed = client.get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(feed.content)
    events = list(cal.walk("VEVENT"))
    assert events and all("R7-" in str(e["SUMMARY"]) for e in events)
    client.force_login(side.contractor_admin.user)
    client.post(reverse("compliance:calendar_settings"), {"action": "revoke"})
    client.logout()
    assert client.get(path).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_notifications_bell_and_mark_read(client, side):
    user = side.contractor_admin.user
    Notification.objects.create(user=user, title="期限のお知らせ", body="本文", url="/")
    client.force_login(user)
    assert "bell__count" in client.get(reverse("core:home")).content.decode()
    page = client.get(reverse("core:notification_list"))
    assert "期限のお知らせ" in page.content.decode()
    client.post(reverse("core:notification_read"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_contractor_proposes_and_the_public_body_confirms(client, side, mini_template):
    from core.models import Event

    other_body = __import__("tests.factories", fromlist=["public_body"]).public_body("無関係市")
    client.force_login(side.contractor_admin.user)
    form = client.get(reverse("contracts:contract_create")).context["form"]
    assert list(form.fields["public_body"].queryset) == [side.body]  # only bodies it works with
    data = {
        "public_body": side.body.pk,
        "number": "R7-PROP",
        "title": "提案業務",
        "clause_template": mini_template.pk,
        "start_date": "2025-04-01",
        "end_date": "2026-03-31",
        "work_start_date": "2025-04-14",
        "handles_personal_info": "on",
    }
    response = client.post(reverse("contracts:contract_create"), {**data, "public_body": other_body.pk})
    assert response.status_code == 200 and response.context["form"].errors["public_body"]
    response = client.post(reverse("contracts:contract_create"), data)
    assert response.status_code == 302
    contract = Contract.objects.get(number="R7-PROP")
    assert (contract.public_body, contract.contractor, contract.status) == (
        side.body,
        side.contractor,
        "draft",
    )
    assert Event.objects.filter(kind="contract.proposed", contract_id=contract.pk).exists()
    # The contractor cannot confirm its own proposal; the public body's administrator does.
    assert (
        client.post(
            reverse("contracts:contract_activate", args=[contract.pk]), {"signed_on": "2025-04-01"}
        ).status_code
        == 404
    )
    client.force_login(side.client_admin.user)
    assert "R7-PROP" in client.get(reverse("contracts:contract_list")).content.decode()
    response = client.post(
        reverse("contracts:contract_activate", args=[contract.pk]), {"signed_on": "2025-04-01"}
    )
    assert response.status_code == 302
    assert (
        Duty.objects.filter(contract=contract).count() == 4
    )  # the return at the end is there from activation


@pytest.mark.parametrize("n", [1, 5])
@pytest.mark.parametrize("role", ["auditor", "client_admin", "contractor_admin"])
def test_home_dashboard_query_count_is_constant(
    client, side, make_contract, django_assert_num_queries, n, role
):
    for _ in range(n):
        _activated(side, make_contract)
    client.force_login(getattr(side, role).user)
    client.get(reverse("core:home"))
    # Constant in the number of contracts and duties: each panel is one or two set-based queries.
    # The approvables' lists (core.approvables) are one UNION query over every registered kind
    # (plus one per kind that has rows; none here): the client's pending list was one query per
    # kind (5) and is now 1 (21 -> 17); the contractor's manager gets the returned-to-me list,
    # 1 query (11 -> 12).
    # contractor_admin: its own decisions too (a medium's take-out under 001 §18(2)), one UNION.
    # The incidents' panels (incidents.panels), one query each: the public body's reports not yet
    # acknowledged, the contracts a contractor may report on (17 -> 18, 13 -> 14); the auditor has none.
    expected = {"auditor": 13, "client_admin": 18, "contractor_admin": 14}[role]
    with django_assert_num_queries(expected):
        client.get(reverse("core:home"))
