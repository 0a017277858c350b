"""The incident pages: the first report through its form, the detail's read on the record, the
404 of a sibling tier, the public body's home panel, the list's exact queries, and the close
checklist's gap no reason can override."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from contracts.selectors.closing import close_gaps
from contracts.services import contract_end
from contracts.services.closing import contract_close
from core.models import Event
from incidents.models import Incident
from incidents.services import incidents as services
from tests.incidents.conftest import SUMMARY, m, report


def test_a_worker_reports_in_one_short_form_and_the_page_read_is_recorded(client, side, contract):
    client.force_login(side.contractor_staff.user)
    form = client.get(reverse("incidents:incident_report", args=[contract.pk]))
    assert form.status_code == 200 and "事故を報告する" in form.content.decode()
    response = client.post(
        reverse("incidents:incident_report", args=[contract.pk]),
        {"category": "loss", "found_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "summary": SUMMARY},
    )
    incident = Incident.objects.get()
    assert response.headers["Location"] == reverse("incidents:incident_detail", args=[incident.pk])
    page = client.get(response.headers["Location"]).content.decode()
    assert SUMMARY in page and "紛失" in page and "発注者の受領確認待ち" in page
    read = Event.objects.get(kind="incident.viewed")
    assert (read.actor_id, read.object_id) == (side.contractor_staff.user.pk, str(incident.pk))
    # A refusal comes back at its field, in Japanese.
    tomorrow = timezone.localtime() + timezone.timedelta(days=1)
    response = client.post(
        reverse("incidents:incident_report", args=[contract.pk]),
        {"category": "loss", "found_at": tomorrow.strftime("%Y-%m-%dT%H:%M"), "summary": SUMMARY},
    )
    assert response.status_code == 200 and "未来" in response.content.decode()


def test_a_sibling_tier_gets_the_404_of_a_missing_incident(
    client, side, subs, contract, chain, sibling_admin
):
    incident = report(subs.admins["y"], contract)
    client.force_login(sibling_admin.user)
    assert client.get(reverse("incidents:incident_detail", args=[incident.pk])).status_code == 404
    listed = client.get(reverse("incidents:incident_list", args=[contract.pk]))
    assert listed.status_code == 200 and "事故 第1号" not in listed.content.decode()
    client.force_login(subs.admins["x"].user)  # the tier above
    assert client.get(reverse("incidents:incident_detail", args=[incident.pk])).status_code == 200


def test_the_public_bodys_home_lists_reports_waiting_for_acknowledgement(client, side, contract):
    incident = report(side.contractor_admin, contract)
    client.force_login(side.client_staff.user)
    home = client.get(reverse("core:home")).content.decode()
    assert "受領確認を待っている事故報告" in home and "0時間前" in home
    services.incident_acknowledge(incident=incident, **m(side.client_staff))
    assert "受領確認を待っている事故報告" not in client.get(reverse("core:home")).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_reads_a_page_in_a_fixed_number_of_queries(
    client, side, contract, count, django_assert_num_queries
):
    for _ in range(count):
        report(side.contractor_admin, contract)
    client.force_login(side.auditor.user)
    url = reverse("incidents:incident_list", args=[contract.pk])
    client.get(url)
    # session, user, membership (3); the contract (1); whose incidents (chain_scope: the contract
    # is read whole, 1); the page's count and its rows with their party and their state as
    # subqueries (2); whether an auditor may report (no query: not the contractor side); the
    # unread bell (1); the session refreshed (savepoint, update, release: 3). The same at 3 or 30.
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count("事故 第") == count


def test_an_open_incident_blocks_the_close_and_no_reason_overrides_it(side, contract):
    incident = report(side.contractor_admin, contract)
    contract_end(contract=contract, **m(side.client_admin))
    ended = Contract.objects.get(pk=contract.pk)
    gaps = [g for g in close_gaps(ended) if g.kind == "incident"]
    assert len(gaps) == 1 and not gaps[0].overridable and "第1号" in gaps[0].what
    with pytest.raises(ValidationError, match="解決"):
        contract_close(contract=ended, override_reason="やむを得ず終了", **m(side.client_admin))
    incident = Incident.objects.select_related("contract").get(pk=incident.pk)
    services.incident_acknowledge(incident=incident, **m(side.client_staff))
    services.incident_close(incident=incident, **m(side.client_staff))
    assert [g for g in close_gaps(ended) if g.kind == "incident"] == []
