"""compliance.access and compliance.permissions: a duty of another side's contract is a 404, and
each action is open only to the side its rule names."""

from datetime import date

from django.urls import reverse

from compliance.models import Duty
from contracts.services import contract_activate
from tests import factories


def _duty(side, make_contract, key: str) -> Duty:
    contract = contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=make_contract(),
        signed_on=date(2025, 4, 1),
    )
    return Duty.objects.get(contract=contract, obligation__key=key)


def test_a_duty_of_another_sides_contract_is_not_found(client, side, make_contract):
    duty = _duty(side, make_contract, "3.3-no-ai")
    other = factories.side("d", "丁")
    for membership in (other.client_admin, other.contractor_admin):
        client.force_login(membership.user)
        assert client.get(reverse("compliance:duty_waive", args=[duty.pk])).status_code == 404
        assert client.post(reverse("compliance:duty_attest", args=[duty.pk])).status_code == 404
        assert client.get(reverse("compliance:duty_waive", args=[duty.pk + 999])).status_code == 404
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN


def test_waiving_is_the_public_bodys_and_attesting_the_contractors(client, side, make_contract):
    duty = _duty(side, make_contract, "3.3-no-ai")
    client.force_login(side.contractor_admin.user)
    assert client.get(reverse("compliance:duty_waive", args=[duty.pk])).status_code == 404
    client.force_login(side.client_admin.user)
    assert client.get(reverse("compliance:duty_waive", args=[duty.pk])).status_code == 200
    assert client.post(reverse("compliance:duty_attest", args=[duty.pk])).status_code == 404
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN
