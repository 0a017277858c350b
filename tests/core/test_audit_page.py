"""The audit trail in people's words: kinds by label, objects by title, details as label: value
pairs; the kind filter is a choice; GET /audit/verify/ is a page (issue 10)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance.models import Duty
from contracts.models import Person
from core.audit import event_kind_label, record_event
from core.describers import describe_events
from core.models import Event
from core.selectors import events_visible_to
from tests.core.test_input_limits import _activated, _person_on_roster, new_contract, party  # noqa: F401


@pytest.fixture
def setting(party, new_contract):  # noqa: F811
    contract = _activated(party, new_contract)
    _change, person = _person_on_roster(party, contract)
    return contract, person


def _page(client, party, **params):  # noqa: F811
    client.force_login(party.auditor.user)
    response = client.get(reverse("core:audit_log"), params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_kinds_objects_and_subjects_are_words_not_codes(client, party, setting):  # noqa: F811
    contract, person = setting
    _response, body = _page(client, party)
    assert event_kind_label("contract.activated") in body
    assert "<code>contract.activated</code>" not in body
    assert f"{contract.number} {contract.title}" in body  # the contract by number and title
    assert "名簿 太郎" in body  # the person by name, from "subject": "contracts.person:<pk>"
    assert f"contracts.person:{person.pk}" not in body
    assert f"contracts.contract#{contract.pk}" not in body
    assert "&quot;subject&quot;" not in body and '"subject"' not in body  # no JSON


def test_duty_is_named_by_article_and_obligation(party, setting):  # noqa: F811
    contract, _person = setting
    duty = Duty.objects.filter(contract=contract).select_related("obligation__article").first()
    event = Event(kind="duty.fulfilled", object_type="compliance.duty", object_id=str(duty.pk), data={})
    (row,) = describe_events([event])
    assert row.object_title == f"第{duty.obligation.article.number}条 {duty.obligation.summary}"


def test_details_are_labelled_pairs_with_known_keys_translated():
    event = Event(
        kind="roster.returned",
        object_type="nobody.knows",
        object_id="3",
        data={
            "from": "submitted",
            "to": "returned",
            "reason": "印鑑がない",
            "sha256": "ab" * 32,
            "x": {"y": 1},
        },
    )
    (row,) = describe_events([event])
    details = dict(row.details)
    assert details["変更前"] == "申請中"
    assert details["変更後"] == "差戻し"
    assert details["理由"] == "印鑑がない"
    assert details["SHA-256"] == "abababababab…"
    assert details["その他"] == "ほか1項目"  # the unknown key counted, never dumped
    assert row.object_title == "記録"  # an unknown object type reads as a word, not "nobody.knows#3"


def test_a_page_named_by_its_code_reads_as_its_words():
    # The training pages record which page showed the names (contracts' words, core shows them).
    rows = describe_events(
        [
            Event(kind="training.viewed", data={"page": page})
            for page in ("session_form", "attendance_form", 2)
        ]
    )
    assert [dict(row.details)["ページ"] for row in rows] == ["研修の実施記録の入力", "出欠の入力", "2"]


def _events(contract, person, duty, n: int) -> None:
    refs = [
        {"object_type": "contracts.contract", "object_id": contract.pk},
        {"object_type": "contracts.person", "object_id": person.pk},
        {"object_type": "compliance.duty", "object_id": duty.pk},
    ]
    for i in range(n):
        record_event(
            kind="contract.activated",
            contract_id=contract.pk,
            data={"subject": f"contracts.person:{person.pk}", "page": i},
            **refs[i % 3],
        )


@pytest.mark.parametrize("n", [5, 50])
def test_page_query_count_does_not_grow_with_events(client, party, setting, n):  # noqa: F811
    contract, person = setting
    duty = Duty.objects.filter(contract=contract).first()
    _events(contract, person, duty, n)
    client.force_login(party.auditor.user)
    # Filtered to one kind so that both pages hold the same object types (the setting's own
    # events name users and organisations too).
    params = {"kind": "contract.activated"}
    client.get(reverse("core:audit_log"), params)  # warm the data-key cache and the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:audit_log"), params)
    assert response.status_code == 200
    visible = events_visible_to(party.auditor.user, party.auditor).filter(kind="contract.activated")
    assert len(response.context["rows"]) == min(50, visible.count()) >= n
    # 17 on both pages: session, user, membership, user (middleware), count, page of events, one
    # title query per object type present (person, contract, duty), the audit_log.viewed event
    # (savepoint, last hash, insert, release), unread notifications, the session's save
    # (savepoint, update, release). Without batching the titles would grow with the events.
    # PostgreSQL takes the chain's advisory lock (core.audit) before appending: one query more.
    assert len(queries) == QUERIES + (connection.vendor == "postgresql"), "\n".join(
        q["sql"][:150] for q in queries.captured_queries
    )


QUERIES = 17


def test_kind_filter_is_a_choice_of_declared_kinds_by_label(client, party, setting):  # noqa: F811
    response, body = _page(client, party)
    field = response.context["form"].fields["kind"]
    flat = [value for _group, options in field.choices[1:] for value, _label in options]
    assert "contract.activated" in flat and "roster.submitted" in flat
    assert f'<option value="contract.activated">{event_kind_label("contract.activated")}</option>' in body
    for _group, options in field.choices[1:]:
        labels = [label for _value, label in options]
        assert labels == sorted(labels)

    response, body = _page(client, party, kind="contract.activated")
    kinds = {row.event.kind for row in response.context["rows"]}
    assert kinds == {"contract.activated"}

    response, body = _page(client, party, kind="contract")  # a prefix is not a kind
    assert response.context["form"].errors["kind"] == ["一覧から記録の種類を選んでください。"]


def test_verify_answers_get_with_a_page_offering_the_button(client, party, setting):  # noqa: F811
    client.force_login(party.auditor.user)
    before = Event.objects.count()
    response = client.get(reverse("core:audit_verify"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'method="post" action="{reverse("core:audit_verify")}"' in body
    assert "status-ok" not in body and "status-bad" not in body
    assert Event.objects.count() == before  # only verifying is recorded, not reading about it


def test_verify_page_is_not_found_without_the_audit_log(client, party):  # noqa: F811
    client.force_login(party.contractor_staff.user)
    assert client.get(reverse("core:audit_verify")).status_code == 404


def test_auditor_dashboard_shows_kind_labels(client, party, setting):  # noqa: F811
    client.force_login(party.auditor.user)
    body = client.get(reverse("core:home")).content.decode()
    assert event_kind_label("contract.activated") in body
    assert "<code>contract.activated</code>" not in body


def test_person_describer_names_people_in_bulk(setting, django_assert_num_queries):
    _contract, person = setting
    from contracts.selectors.describers import describe_people

    with django_assert_num_queries(1):
        assert describe_people([str(person.pk), "999999", "x"]) == {str(person.pk): "名簿 太郎"}
    assert Person.objects.filter(pk=person.pk).exists()
