"""Ending a subcontract (解除, 期間満了): who may, what is refused at the field, the chain below
ending with it, the roster's approval and the access ending on the day, and the subcontractor's
return or disposal opening as its duty, seen upstream (docs/subcontracts.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from compliance.models import Duty
from compliance.selectors import open_duties_for
from contracts.models import Contract, Subcontract
from contracts.selectors.roster import is_approved_to_work
from contracts.selectors.subcontracts import employer_ids_in_scope
from contracts.services.subcontract_end import subcontract_end
from core.audit import record_event
from core.models import Event, Notification
from tests.contracts import test_subcontracts as base
from tests.contracts.conftest import TODAY

# The chain of test_subcontracts: x (tier 1) with y below it (tier 2), a sibling w, one worker each.
subs, contract, chain = base.subs, base.contract, base.chain
apply = base.apply

RETURN_DUTY = "20-subcontractor-return-or-disposal"  # 001 §20, with §16


def end(membership, link, *, ended_on=TODAY, kind="terminated", reason="業務委託契約の解除"):
    return subcontract_end(
        actor=membership.user,
        actor_membership=membership,
        link=link,
        ended_on=ended_on,
        reason=reason,
        kind=kind,
    )


def test_the_entrusting_partys_manager_or_the_public_body_ends_a_link(side, subs, contract, chain):
    first, second = chain["first"], chain["second"]
    for membership in (subs.admins["x"], subs.staff["x"], side.contractor_staff, side.auditor):
        with pytest.raises(PermissionDenied):
            end(membership, first)
    with pytest.raises(PermissionDenied):  # a subcontractor never ends its own link
        end(subs.admins["y"], second)
    # x entrusted y's work: x's manager ends that link, and only that one.
    end(subs.admins["x"], second)
    assert Subcontract.objects.get(pk=second.pk).ended_on == TODAY
    assert Subcontract.objects.get(pk=first.pk).ended_on is None
    end(side.client_staff, chain["sibling"], reason="発注者による契約解除")
    with pytest.raises(ValidationError, match="既に終了"):
        end(side.client_staff, second)


def test_refusals_are_said_at_their_field(side, subs, contract, chain):
    first = chain["first"]
    cases = [
        ({"ended_on": first.start_date - timedelta(days=1)}, "ended_on", "始期"),
        ({"ended_on": TODAY + timedelta(days=1)}, "ended_on", "未来"),
        ({"ended_on": None}, "ended_on", "終了日"),
        ({"kind": "period_ended"}, "ended_on", "解除"),  # the period runs on: that is a termination
        ({"reason": " "}, "reason", "理由"),
        ({"kind": "paused"}, "kind", "解除"),
    ]
    for overrides, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            end(side.contractor_admin, first, **overrides)
        assert words in " ".join(caught.value.message_dict[field]), (overrides, caught.value.message_dict)
    draft = apply(side.contractor_admin, contract, subs.orgs["z"])
    with pytest.raises(ValidationError, match="承認"):
        end(side.contractor_admin, draft)
    assert not Subcontract.objects.filter(ended_on__isnull=False).exists()


def test_the_chain_below_ends_with_it_and_its_people_stop_being_approved(side, subs, contract, chain):
    first, second, people = chain["first"], chain["second"], chain["people"]
    assert is_approved_to_work(people["x"], TODAY) and is_approved_to_work(people["y"], TODAY)
    pledge_duties = Duty.objects.filter(
        contract=contract, state="open", subject=f"contracts.person:{people['x'].pk}"
    ).count()
    end(side.contractor_admin, first)
    ended = dict(Subcontract.objects.filter(ended_on__isnull=False).values_list("pk", "end_kind"))
    assert ended == {first.pk: "terminated", second.pk: "terminated"}  # the sibling goes on
    # Not approved to work from the day; the sibling's worker and the contractor's still are.
    for label in ("x", "y"):
        assert not is_approved_to_work(people[label], TODAY)
    assert is_approved_to_work(people["w"], TODAY) and is_approved_to_work(people["own"], TODAY)
    # Their open duties end as not needed, with the day; none is left open.
    if pledge_duties:
        waived = Duty.objects.filter(subject=f"contracts.person:{people['x'].pk}", state="waived")
        assert waived.exists() and "不要" in waived.first().waived_reason
    assert not Duty.objects.filter(subject=f"contracts.person:{people['x'].pk}", state="open").exists()
    # One event per link, the codes and ids only: the reason stays on the link.
    recorded = list(Event.objects.filter(kind="subcontract.ended").order_by("pk"))
    assert [e.object_id for e in recorded] == [str(first.pk), str(second.pk)]
    assert recorded[1].data["with"] == first.pk and recorded[0].data["effective_date"] == TODAY.isoformat()
    assert all("解除" not in str(e.data) for e in recorded)
    # The subcontractors and every party above them are told (not the one who ended it).
    for membership in (subs.admins["x"], subs.admins["y"]):
        assert Notification.objects.filter(user=membership.user, title__contains="再委託").exists()
    assert not Notification.objects.filter(user=side.contractor_admin.user, title__contains="終了").exists()
    # From the day, x sees none of the contract's people, and nothing is entrusted below it.
    x = subs.admins["x"]
    assert employer_ids_in_scope(x.user, x, contract) == set()
    with pytest.raises(PermissionDenied):
        apply(x, contract, subs.orgs["z"], parent=Subcontract.objects.get(pk=first.pk))


def test_the_return_or_disposal_opens_for_each_link_and_is_seen_upstream(client, side, subs, contract, chain):
    first, second = chain["first"], chain["second"]
    end(side.contractor_admin, first)
    duties = Duty.objects.filter(obligation__key=RETURN_DUTY, state="open").select_related("obligation")
    assert {d.subject: d.due_date for d in duties} == {
        f"contracts.subcontract:{first.pk}": TODAY,
        f"contracts.subcontract:{second.pk}": TODAY,
    }
    assert {d.obligation.actor for d in duties} == {"subcontractor"}
    # y's certificate of return or disposal, naming its link, meets y's duty and no other.
    record_event(
        kind="disposal.certificate_issued",
        actor=subs.admins["y"].user,
        obj=second,
        contract_id=contract.pk,
        data={"subjects": ["ledgers.disposalrequest:0", f"contracts.subcontract:{second.pk}"]},
    )
    states = dict(Duty.objects.filter(obligation__key=RETURN_DUTY).values_list("subject", "state"))
    assert states == {
        f"contracts.subcontract:{first.pk}": "open",
        f"contracts.subcontract:{second.pk}": "fulfilled",
    }
    # The contractor answers for them: on its duty lists with its own.
    listed = open_duties_for(Contract.objects.filter(pk=contract.pk), actor="contractor")
    assert duties.get(subject=f"contracts.subcontract:{first.pk}") in set(listed)
    # x, above y, sees y's duty on y's page; the page says it ended and the list says so too.
    client.force_login(subs.admins["x"].user)
    page = client.get(reverse("contracts:subcontract", args=[second.pk])).content.decode()
    assert "再委託先が受託情報" in page and "終了" in page and "履行済み" in page
    assert "再委託を終了する" not in page  # x may end y's link, but it has ended already
    listed = client.get(reverse("contracts:subcontract_list")).content.decode()
    assert "解除" in listed
    # x's own people are no longer its to see.
    person = chain["people"]["x"]
    assert client.get(reverse("contracts:person_pledge", args=[person.pk])).status_code == 404


def test_the_end_form_refuses_at_the_field_and_ends_the_link(client, side, subs, contract, chain):
    first = chain["first"]
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:subcontract_end", args=[first.pk])
    page = client.get(reverse("contracts:subcontract", args=[first.pk])).content.decode()
    assert url in page and "再委託を終了する" in page
    form = client.get(url).content.decode()
    assert subs.orgs["y"].name in form  # the link below that ends with it
    future = (TODAY + timedelta(days=3)).isoformat()
    response = client.post(url, {"kind": "terminated", "ended_on": future, "reason": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "未来" in errors["ended_on"][0] and "理由" in errors["reason"][0]
    response = client.post(url, {"kind": "terminated", "ended_on": TODAY.isoformat(), "reason": "契約違反"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "契約違反" in page and "再委託を終了する" not in page
    assert client.get(url).status_code == 404  # ended: nothing more to end
