"""An organisation whose subcontract ended (解除, or its period over) may be engaged again on the
same contract under a new link, the old one kept as history; two links of one organisation that
have not ended stay refused, by the service and by the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contracts.models import Subcontract
from contracts.selectors.roster import is_approved_to_work
from contracts.selectors.subcontracts import employer_ids_in_scope
from contracts.services.subcontracts import refusal_reason
from tests.contracts import test_subcontracts as base
from tests.contracts.conftest import TODAY
from tests.contracts.test_subcontract_end import end

subs, contract, chain = base.subs, base.contract, base.chain
ENDED_ON = TODAY - timedelta(days=5)


def test_an_ended_subcontractor_is_engaged_again_under_a_new_link(side, subs, contract, chain):
    # x's link (and y's below it) terminated; x is entrusted work again, at the first tier.
    w, old, worker = subs.orgs["x"], chain["first"], chain["people"]["x"]
    end(side.contractor_admin, old, ended_on=ENDED_ON)
    assert refusal_reason(contract, None, w) is None
    # The new link does not run beside the old one: it starts on the end's day or later.
    with pytest.raises(ValidationError) as caught:
        base.apply(side.contractor_admin, contract, w, start_date=ENDED_ON - timedelta(days=1))
    assert "以前の再委託" in caught.value.message_dict["start_date"][0]
    new = base.apply(side.contractor_admin, contract, w, start_date=TODAY)
    # Applied for, it is live: a second application for the same organisation is refused.
    assert "既にこの契約の再委託先です" in refusal_reason(contract, None, w)
    with pytest.raises(ValidationError) as caught:
        base.apply(side.contractor_admin, contract, w, start_date=TODAY)
    assert "subcontractor" in caught.value.message_dict
    # Its people work again once the new link is approved, from its start; not between the two.
    assert not is_approved_to_work(worker, TODAY)
    base.act(side.contractor_admin, new, "submit")
    base.act(side.client_staff, new, "approve")
    assert is_approved_to_work(worker, TODAY)
    assert not is_approved_to_work(worker, ENDED_ON)
    manager = subs.admins["x"]
    assert employer_ids_in_scope(manager.user, manager, contract) == {w.pk}  # y's link stays ended
    old.refresh_from_db()
    assert (old.ended_on, old.end_kind) == (ENDED_ON, "terminated")  # history, unchanged
    assert Subcontract.objects.filter(contract=contract, subcontractor=w).count() == 2


def test_the_database_refuses_two_links_of_one_organisation_that_have_not_ended(side, contract, chain):
    running = chain["sibling"]
    copy = Subcontract.objects.get(pk=running.pk)
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    # Beside an ended link the same row is accepted.
    Subcontract.objects.filter(pk=running.pk).update(ended_on=ENDED_ON, end_kind="terminated")
    copy.save()
    assert Subcontract.objects.filter(subcontractor=running.subcontractor).count() == 2
