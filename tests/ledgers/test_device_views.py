"""The device ledger's pages (000 §5.3): the ledger on a day with its warnings, entering a device
and recording a change through the forms, the refusals at their fields, who sees which buttons,
the record of each view of the holders' names, and a page whose queries do not grow with rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Event
from ledgers import events
from ledgers.models import Device, DeviceVersion
from ledgers.services.devices import device_register, device_update
from tests.ledgers.conftest import NEWCOMER_NAME, OFFICE_NAME, TODAY, WORKER_NAME, build_ledger, m

PC = {
    "kind": "pc",
    "maker": "富士通",
    "model_name": "LIFEBOOK U9",
    "serial_number": "R1234567",
    "owner": "company",
    "disk_encrypted": True,
    "antivirus_product": "ウイルスバスター",
    "antivirus_pattern_date": TODAY - timedelta(days=1),
    "patched_on": TODAY - timedelta(days=10),
    "no_unapproved_software": True,
    "no_generative_ai": True,
    "status": "in_use",
}


def _register(ledger, asset="PC-001", **overrides):
    values = {**PC, "holder": ledger.worker, "worksite": ledger.office, "storage_place": "書庫A", **overrides}
    return device_register(
        contract=ledger.contract, asset_number=asset, **values, **m(ledger.side.contractor_admin)
    )


def _post_data(ledger, **overrides) -> dict:
    data = {
        **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in PC.items()},
        "holder": ledger.worker.pk,
        "worksite": ledger.office.pk,
        "storage_place": "書庫A",
        "effective_on": TODAY.isoformat(),
        **overrides,
    }
    # An unticked checkbox is not sent at all.
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def _urls(ledger, device) -> dict[str, str]:
    return {
        "list": reverse("ledgers:device_list", args=[ledger.contract.pk]),
        "register": reverse("ledgers:device_register", args=[ledger.contract.pk]),
        "detail": reverse("ledgers:device_detail", args=[device.pk]),
        "change": reverse("ledgers:device_update", args=[device.pk]),
    }


def test_the_list_shows_the_entries_and_warns_of_stale_protection(client, ledger):
    _register(ledger)
    _register(ledger, "PC-002", antivirus_pattern_date=TODAY - timedelta(days=45))
    client.force_login(ledger.side.contractor_admin.user)
    response = client.get(reverse("ledgers:device_list", args=[ledger.contract.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "PC-001" in page and "PC-002" in page and WORKER_NAME in page and OFFICE_NAME in page
    assert "LIFEBOOK U9" in page and "ウイルスバスター" not in page  # the product is on the detail
    rows = {v.device.asset_number: p for v, p in response.context["page"].object_list}
    assert rows["PC-002"].antivirus_stale and not rows["PC-001"].stale
    assert page.count("pill--warn") == 1
    assert "パターンファイル" in page
    # Filters: by status, and a search; the empty state says so.
    response = client.get(reverse("ledgers:device_list", args=[ledger.contract.pk]), {"q": "PC-002"})
    assert [v.device.asset_number for v, _p in response.context["page"].object_list] == ["PC-002"]
    response = client.get(reverse("ledgers:device_list", args=[ledger.contract.pk]), {"status": "disposed"})
    assert not response.context["page"].object_list and 'class="empty"' in response.content.decode()


def test_the_ledger_of_an_earlier_day_has_not_the_devices_entered_later(client, ledger):
    _register(ledger)
    client.force_login(ledger.side.client_staff.user)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    response = client.get(reverse("ledgers:device_list", args=[ledger.contract.pk]), {"on": yesterday})
    assert not response.context["page"].object_list
    assert "台帳に記録された機器等はありません" in response.content.decode()


def test_registering_through_the_form_creates_version_1(client, ledger):
    client.force_login(ledger.side.contractor_admin.user)
    url = reverse("ledgers:device_register", args=[ledger.contract.pk])
    form_page = client.get(url).content.decode()
    assert "資産番号" in form_page and "保管者" in form_page and OFFICE_NAME in form_page
    assert NEWCOMER_NAME in form_page  # offered: the service says at the field why not
    response = client.post(url, _post_data(ledger, asset_number="PC-100"))
    assert response.status_code == 302
    assert response.url == reverse("ledgers:device_list", args=[ledger.contract.pk])
    version = DeviceVersion.objects.get(device__asset_number="PC-100")
    assert (version.number, version.holder, version.worksite, version.kind) == (
        1,
        ledger.worker,
        ledger.office,
        "pc",
    )
    assert version.device.organisation == ledger.side.contractor
    page = client.get(response.url).content.decode()
    assert "PC-100" in page and "台帳に記録しました" in page


def test_a_private_device_is_refused_at_the_owner_field_citing_the_clause(client, ledger):
    client.force_login(ledger.side.contractor_admin.user)
    response = client.post(
        reverse("ledgers:device_register", args=[ledger.contract.pk]),
        _post_data(
            ledger,
            asset_number="USB-9",
            kind="usb_memory",
            owner="private",
            antivirus_product="",
            antivirus_pattern_date="",
            patched_on="",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["owner"]
    assert "第5条第4項" in errors["owner"][0] and "私物" in errors["owner"][0]
    page = response.content.decode()
    assert "第5条第4項" in page and 'value="USB-9"' in page  # said at the field, nothing typed lost
    assert not Device.objects.exists()


def test_a_holder_not_on_the_roster_in_force_is_refused_at_the_field(client, ledger):
    client.force_login(ledger.side.contractor_admin.user)
    response = client.post(
        reverse("ledgers:device_register", args=[ledger.contract.pk]),
        _post_data(ledger, asset_number="PC-200", holder=ledger.newcomer.pk),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["holder"] and NEWCOMER_NAME in errors["holder"][0]
    assert not Device.objects.exists()


def test_a_change_is_version_2_and_the_detail_shows_both(client, ledger):
    device = _register(ledger).device
    client.force_login(ledger.side.contractor_admin.user)
    urls = _urls(ledger, device)
    form = client.get(urls["change"]).context["form"]
    assert form["maker"].value() == "富士通" and form["holder"].value() == ledger.worker.pk
    # No reason: refused at the note field, nothing recorded.
    response = client.post(urls["change"], _post_data(ledger, storage_place="書庫B"))
    assert response.status_code == 200 and "note" in response.context["form"].errors
    # Nothing changed: said at the top of the form.
    response = client.post(urls["change"], _post_data(ledger, note="確認"))
    assert response.context["form"].non_field_errors()
    response = client.post(urls["change"], _post_data(ledger, storage_place="書庫B", note="書庫の移転"))
    assert response.status_code == 302 and response.url == urls["detail"]
    assert list(device.versions.values_list("number", "storage_place")) == [(1, "書庫A"), (2, "書庫B")]
    page = client.get(urls["detail"]).content.decode()
    assert "書庫の移転" in page and "使用中" in page
    history = client.get(urls["detail"]).context["history"]
    assert [(v.number, changed) for v, changed in history] == [(2, ["保管場所"]), (1, [])]
    assert "令和" in page  # dates in 和暦
    assert "変更を記録する" in page


def test_the_public_body_reads_but_gets_no_button_and_404_on_the_forms(client, ledger):
    device = _register(ledger).device
    urls = _urls(ledger, device)
    for membership in (ledger.side.client_staff, ledger.side.client_admin, ledger.side.auditor):
        client.force_login(membership.user)
        page = client.get(urls["list"]).content.decode()
        assert "PC-001" in page and urls["register"] not in page
        page = client.get(urls["detail"]).content.decode()
        assert "PC-001" in page and urls["change"] not in page
        assert client.get(urls["register"]).status_code == 404
        assert client.post(urls["register"], _post_data(ledger, asset_number="X-1")).status_code == 404
        assert client.get(urls["change"]).status_code == 404
        assert (
            client.post(urls["change"], _post_data(ledger, note="x", status="taken_out")).status_code == 404
        )
    assert Device.objects.count() == 1 and DeviceVersion.objects.count() == 1


def test_another_public_bodys_staff_get_404_everywhere(client, ledger):
    device = _register(ledger).device
    other = build_ledger("lo", "他")
    for membership in (other.side.client_staff, other.side.client_admin, other.side.contractor_admin):
        client.force_login(membership.user)
        for name, url in _urls(ledger, device).items():
            assert client.get(url).status_code == 404, (membership.role, name)


def test_the_contract_page_links_to_the_device_ledger(client, ledger):
    for membership in (ledger.side.contractor_admin, ledger.side.client_staff):
        client.force_login(membership.user)
        page = client.get(reverse("contracts:contract_detail", args=[ledger.contract.pk])).content.decode()
        assert f'href="{reverse("ledgers:device_list", args=[ledger.contract.pk])}"' in page
        assert "機器・媒体台帳" in page and "業務に使用するパソコン等・記録媒体" in page


def test_each_view_of_the_list_is_recorded(client, ledger):
    _register(ledger)
    client.force_login(ledger.side.client_staff.user)
    client.get(reverse("ledgers:device_list", args=[ledger.contract.pk]))
    client.get(reverse("ledgers:device_list", args=[ledger.contract.pk]), {"page": "1"})
    viewed = Event.objects.filter(kind=events.DEVICE_LEDGER_VIEWED)
    assert viewed.count() == 2
    event = viewed.first()
    assert event.contract_id == ledger.contract.pk and event.actor == ledger.side.client_staff.user
    assert event.data["on"] == TODAY.isoformat()


@pytest.mark.parametrize("membership", ["contractor_admin", "client_staff"])
def test_the_list_page_queries_do_not_grow_with_its_rows(client, ledger, membership):
    client.force_login(getattr(ledger.side, membership).user)
    url = reverse("ledgers:device_list", args=[ledger.contract.pk])

    def count() -> int:
        client.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(3):
        _register(ledger, f"PC-{n:03}")
    three = count()
    for n in range(3, 6):
        version = _register(ledger, f"PC-{n:03}")
        device_update(
            device=version.device, storage_place="書庫B", note="書庫の移転", **m(ledger.side.contractor_admin)
        )
    assert count() == three
