"""Naming a new subcontractor on the application itself (invited by e-mail, the subcontractor of
the link once it accepts), and candidates that would be refused explained before the form is
filled in (tests/contracts/test_subcontracts.py holds the workflow)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.models import Subcontract
from contracts.services import contract_activate, contract_create
from contracts.services import subcontracts as services
from core.models import Event, Invitation, Membership, Organisation, OutboundMessage, Role
from core.selectors import contractors_working_with
from core.services.invitations import invitation_accept
from tests import factories
from tests.contracts.conftest import END, START
from tests.contracts.test_subcontracts import FIELDS, Subs, act, apply, approved

NEW = {
    "subcontractor_name": "新規再委託株式会社",
    "manager_name": "新井 花子",
    "manager_email": "Arai@Example.jp",
}


def subcontract_contract(side, seed: str, number: str):
    """An active contract under the seed template `seed` ("001" …), subcontracting foreseen."""
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob(f"{seed}-*.yaml")))
    admin = side.client_admin
    created = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number=number,
        title="データ入力業務",
        start_date=START,
        end_date=END,
        work_start_date=START + timedelta(days=10),
        clause_template=template,
        handles_personal_info=True,
        subcontracting=True,
    )
    return contract_activate(actor=admin.user, actor_membership=admin, contract=created, signed_on=START)


@pytest.fixture
def contract(side):
    """Under 練馬区's clauses (001): any part may be subcontracted with approval."""
    return subcontract_contract(side, "001", "R7-SUB-INV")


@pytest.fixture
def subs(side):
    return Subs(side)


def _apply_new(membership, contract, parent=None, **overrides):
    return services.subcontract_create(
        actor=membership.user,
        actor_membership=membership,
        contract=contract,
        parent=parent,
        **{"start_date": contract.start_date, "end_date": contract.end_date, **FIELDS, **NEW, **overrides},
    )


def _token(message: OutboundMessage) -> str:
    return re.search(r"/invitations/accept/([^/\s]+)/", message.body).group(1)


def test_a_new_subcontractor_is_invited_and_is_the_link_s_subcontractor_once_it_accepts(side, contract):
    manager = side.contractor_admin
    link = _apply_new(manager, contract)
    org = link.subcontractor
    assert org.name == "新規再委託株式会社" and org.kind == "contractor"
    assert link.approval_state == "draft"
    # Created through the one invitation mechanism: the body sees it, its manager is invited.
    assert org in contractors_working_with(contract.public_body)
    invitation = Invitation.objects.get(organisation=org)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "arai@example.jp",
        Role.CONTRACTOR_ADMIN,
        manager.user,
    )
    message = OutboundMessage.objects.get(key=f"invitation:{invitation.pk}")
    assert message.to == ["arai@example.jp"]
    # The e-mail names the organisation that invites, the addressee and the public body.
    assert side.contractor.name in message.subject
    assert "新井 花子 様" in message.body
    assert contract.public_body.name in message.body and "再委託" in message.body
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"organisation.created", "invitation.created", "subcontract.drafted"} <= kinds
    drafted = Event.objects.get(kind="subcontract.drafted", object_id=str(link.pk))
    assert drafted.data["invitation"] == invitation.pk
    assert not Membership.objects.filter(organisation=org).exists()

    user = invitation_accept(
        token=_token(message),
        full_name="新井 花子",
        full_name_kana="あらい はなこ",
        password="a-long-pass-2026!",
    )
    link.refresh_from_db()
    assert link.subcontractor == org
    membership = Membership.objects.get(user=user, organisation=org)
    assert membership.role == Role.CONTRACTOR_ADMIN
    assert Event.objects.filter(kind="invitation.accepted", object_id=str(invitation.pk)).exists()
    # Its manager now holds the link: it reads its page.
    assert Subcontract.objects.filter(subcontractor=membership.organisation).get() == link


def test_a_subcontractor_manager_names_a_new_company_for_the_next_tier(side, subs, contract):
    top = approved(side, side.contractor_admin, contract, subs.orgs["x"])
    link = _apply_new(subs.admins["x"], contract, parent=top)
    assert (link.depth, link.upstream, link.parent) == (2, subs.orgs["x"], top)
    invitation = Invitation.objects.get(organisation=link.subcontractor)
    message = OutboundMessage.objects.get(key=f"invitation:{invitation.pk}")
    assert subs.orgs["x"].name in message.subject  # the inviting organisation is the tier-1 holder


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"manager_email": ""}, "manager_email"),
        ({"manager_name": ""}, "manager_name"),
        ({"manager_email": "not-an-address"}, "manager_email"),
    ],
)
def test_an_incomplete_invitation_is_refused_at_its_field_and_leaves_nothing(
    side, contract, overrides, field
):
    with pytest.raises(ValidationError) as exc, override("ja"):
        _apply_new(side.contractor_admin, contract, **overrides)
    assert field in exc.value.message_dict
    assert not Organisation.objects.filter(name=NEW["subcontractor_name"]).exists()
    assert not Invitation.objects.exists()


def test_a_mistake_elsewhere_on_the_form_invites_nobody(side, contract):
    with pytest.raises(ValidationError) as exc:
        _apply_new(side.contractor_admin, contract, reason="")
    assert "reason" in exc.value.message_dict
    assert not Organisation.objects.filter(name=NEW["subcontractor_name"]).exists()
    assert not OutboundMessage.objects.exists()


def test_a_name_already_in_the_portal_is_not_created_twice(side, contract):
    factories.contractor("他市の受注者株式会社")  # registered, but not with this body
    with pytest.raises(ValidationError) as exc, override("ja"):
        _apply_new(side.contractor_admin, contract, subcontractor_name="他市の受注者株式会社")
    assert "既にポータルに登録されています" in exc.value.message_dict["subcontractor_name"][0]
    assert Organisation.objects.filter(name="他市の受注者株式会社").count() == 1
    # Without an invitation the answer is the one an unknown name gets.
    with pytest.raises(ValidationError) as unknown, override("ja"):
        _apply_new(
            side.contractor_admin, contract, manager_name="", manager_email="", subcontractor_name="未知"
        )
    with pytest.raises(ValidationError) as elsewhere, override("ja"):
        _apply_new(
            side.contractor_admin,
            contract,
            manager_name="",
            manager_email="",
            subcontractor_name="他市の受注者株式会社",
        )
    assert unknown.value.message_dict == elsewhere.value.message_dict
    assert "発注者に登録されている名称" in unknown.value.message_dict["subcontractor_name"][0]


# --- refused candidates: explained before, refused after ---------------------------------------


def test_refused_candidates_are_explained_with_their_reason(side, subs, contract):
    x, z = subs.admins["x"], subs.orgs["z"]
    top = approved(side, side.contractor_admin, contract, subs.orgs["x"])
    assert services.subcontractor_choices(contract, top) == []  # x has entrusted nothing yet
    draft = apply(x, contract, z, parent=top)
    # x's only known organisation already holds a link here: offered with the reason, not silently.
    with override("ja"):
        choices = dict(services.subcontractor_choices(contract, top))
        assert set(choices) == {z}
        assert "既にこの契約の再委託先です" in choices[z]
        with pytest.raises(ValidationError) as exc:
            apply(x, contract, z, parent=top)
    assert exc.value.message_dict["subcontractor"] == [choices[z]]
    # Once rejected, it may be applied for anew: no reason any more.
    act(x, draft, "submit")
    act(side.client_staff, draft, "reject", reason="不要")
    assert dict(services.subcontractor_choices(contract, top)) == {z: None}


def test_parties_above_in_the_chain_are_explained_and_refused(side, subs, contract):
    x = subs.orgs["x"]
    top = approved(side, side.contractor_admin, contract, x)
    with override("ja"):
        reason = services.refusal_reason(contract, top, side.contractor)
        assert "上位" in reason
        with pytest.raises(ValidationError) as exc:
            _apply_new(subs.admins["x"], contract, parent=top, subcontractor_name=side.contractor.name)
        assert exc.value.message_dict["subcontractor_name"] == [reason]
        assert "自社" in services.refusal_reason(contract, top, x)
    assert not Invitation.objects.exists()


# --- the pages ------------------------------------------------------------------------------------


def _post_data(contract, **overrides):
    data = {k: v for k, v in FIELDS.items() if not isinstance(v, bool)}
    data.update(
        handles_personal_info="on",
        precheck_confirmed="on",
        equivalent_terms="on",
        start_date=contract.start_date.isoformat(),
        end_date=contract.end_date.isoformat(),
    )
    data.update(overrides)
    return data


def test_the_form_shows_refused_choices_disabled_with_their_reason(client, side, subs, contract):
    y = subs.orgs["y"]
    approved(side, side.contractor_admin, contract, y)  # y holds a link: known, and refused now
    client.force_login(side.contractor_admin.user)
    with override("ja"):
        response = client.get(reverse("contracts:subcontract_create", args=[contract.pk]))
    html = response.content.decode()
    assert re.search(rf'<option value="{y.pk}"[^>]*disabled', html)
    assert f"{y.name}（選べません）" in html
    assert "既にこの契約の再委託先です" in html
    assert 'name="manager_email"' in html and 'name="extent"' in html


def test_the_form_invites_a_new_subcontractor(client, side, contract):
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:subcontract_create", args=[contract.pk])
    with override("ja"):
        response = client.post(url, _post_data(contract, **NEW))
    assert response.status_code == 302
    link = Subcontract.objects.get(contract=contract)
    assert link.subcontractor.name == NEW["subcontractor_name"]
    with override("ja"):
        page = client.get(reverse("contracts:subcontract", args=[link.pk])).content.decode()
    assert "まだポータルに登録されていません" in page


def test_the_form_says_not_both(client, side, subs, contract):
    approved(side, side.contractor_admin, contract, subs.orgs["x"])
    Subcontract.objects.update(approval_state="rejected")  # x known, and may be applied for anew
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:subcontract_create", args=[contract.pk])
    with override("ja"):
        response = client.post(url, _post_data(contract, subcontractor=subs.orgs["x"].pk, **NEW))
    assert response.status_code == 200
    assert "どちらか一方" in response.context["form"].errors["subcontractor_name"][0]
    assert not Invitation.objects.exists()
