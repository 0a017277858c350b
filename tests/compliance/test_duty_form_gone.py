"""A duty's 様式（PDF） whose subject is gone answers 404 with a clear message, never 500."""

from datetime import date

from django.urls import reverse
from django.utils import translation

from clauses.models import Obligation
from compliance.models import Duty
from contracts.pdf.pledges import PLEDGE_FORM
from contracts.services import contract_activate


def test_pledge_form_of_a_person_who_is_gone_is_a_404_with_a_message(client, side, make_contract):
    contract = contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=make_contract(),
        signed_on=date(2025, 4, 1),
    )
    duty = Duty.objects.filter(contract=contract).first()
    # A per-person pledge duty about someone no longer in the database (taken off a withdrawn
    # change), the situation the seeded demo used to produce for person ids of another contract.
    Obligation.objects.filter(pk=duty.obligation_id).update(form_id=PLEDGE_FORM)
    Duty.objects.filter(pk=duty.pk).update(subject="contracts.person:999999")
    client.force_login(side.contractor_admin.user)
    response = client.get(reverse("compliance:duty_form_pdf", args=[duty.pk]), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 404
    with translation.override("ja"):
        expected = translation.gettext(
            "The form of this duty cannot be made: what the duty is about no longer exists."
        )
    assert expected != "The form of this duty cannot be made: what the duty is about no longer exists."
    assert expected in response.content.decode()
