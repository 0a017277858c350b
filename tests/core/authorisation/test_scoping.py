"""What the authorisation matrix's tables cannot say: which rows a list shows, whose data a page names.

The objects are the matrix's (tests/core/authorisation/world.py), built once for this module.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.audit import record_event
from core.models import Event, Membership, Notification, Role
from core.selectors import SESSION_MEMBERSHIP_KEY
from core.services.users import calendar_token_issue
from ledgers import permissions
from ledgers.selectors.devices import devices_visible_to
from tests.core import matrix_subcontracts
from tests.core.authorisation import (
    assembly,
    rows_contract_close,
    rows_incidents,
    rows_ledgers,
    rows_ledgers_imports,
    rows_ledgers_inspections,
    rows_ledgers_submissions,
)
from tests.core.authorisation.matrix import ROLE_ACTORS, SITE_ADMIN, assert_code
from tests.core.authorisation.rows_ledgers import ASSETS, TITLES
from tests.core.authorisation.world import ORG_LABELS, MatrixWorld

# --- content scoping ----------------------------------------------------------------------------


def _listed_names(response) -> set[str]:
    return {o.name for o in response.context["page"].object_list}


@pytest.mark.parametrize("actor", ["contractor_admin", "contractor_staff"])
def test_organisation_list_of_a_contractor_shows_only_itself(client, db, mw, actor):
    client.force_login(mw.users[actor])
    response = client.get(reverse("core:organisation_list"))
    assert _listed_names(response) == {mw.orgs["contractor_a"].name}
    text = response.content.decode()
    for other in ("body_a", "body_b", "contractor_b"):
        assert mw.orgs[other].name not in text


@pytest.mark.parametrize("actor", ["client_admin", "client_staff", "auditor"])
def test_organisation_list_of_a_body_shows_itself_and_its_contractors(client, db, mw, actor):
    client.force_login(mw.users[actor])
    response = client.get(reverse("core:organisation_list"))
    # Its contractors include the subcontractors it brought in (matrix_subcontracts) and the
    # contractor and subcontractor it shares with body b (matrix_tenancy).
    subcontractors = {org.name for org in mw.extra["subcontracts"]["orgs_a"]}
    subcontractors |= {mw.extra["tenancy"].contractor.name, mw.extra["tenancy"].sub.name}
    assert _listed_names(response) == {mw.orgs["body_a"].name, mw.orgs["contractor_a"].name} | subcontractors
    text = response.content.decode()
    for other in ("body_b", "contractor_b"):
        assert mw.orgs[other].name not in text


def test_organisation_list_of_the_site_admin_shows_everything(client, db, mw):
    client.force_login(mw.users[SITE_ADMIN])
    names = _listed_names(client.get(reverse("core:organisation_list")))
    assert names >= {o.name for o in mw.orgs.values()}


def _mark_events(mw: MatrixWorld) -> dict[str, Event]:
    return {
        label: record_event(kind=f"matrix.marker_{label}", organisation_id=org.pk, data={"marker": label})
        for label, org in mw.orgs.items()
    }


# An event with no contract belongs to the organisation it was filed under: a public body does
# not read its contractor's own events (log-ins, member views), for that contractor works for
# other bodies too; events about the body's contracts are scoped by contract (tests/core/test_tenancy.py).
@pytest.mark.parametrize(
    ("actor", "visible"),
    [
        ("auditor", {"body_a"}),
        ("client_admin", {"body_a"}),
        ("contractor_admin", {"contractor_a"}),
        (SITE_ADMIN, set(ORG_LABELS)),
    ],
)
def test_audit_log_shows_only_events_in_scope(client, db, mw, actor, visible):
    markers = _mark_events(mw)
    client.force_login(mw.users[actor])
    # The markers are the newest events, so the first (unfiltered) page would show them.
    response = client.get(reverse("core:audit_log"))
    assert response.status_code == 200
    text = response.content.decode()
    shown = {label for label in markers if f"matrix.marker_{label}" in text}
    assert shown == visible
    if actor != SITE_ADMIN:
        own = mw.orgs[next(iter(visible))].pk
        # Side a's closed contract (rows_contract_close) is the same parties' contract.
        mine = {mw.contracts["contract_a"].pk, mw.extra["closed"]["closed_a"].pk}
        if actor != "contractor_admin":  # and the contract with the contractor shared with body b
            mine.add(mw.contracts["shared_a"].pk)
        for event in response.context["page"].object_list:
            about_itself = event.object_type == "core.organisation" and event.object_id == str(own)
            assert event.contract_id in mine or (
                event.contract_id is None and (event.organisation_id == own or about_itself)
            )
    # The kind filter is a choice of declared kinds (the markers are not declared): read the page.
    listed = {e.kind for e in response.context["page"].object_list if e.kind.startswith("matrix.")}
    assert listed == {f"matrix.marker_{v}" for v in visible}


def test_auditor_home_shows_no_foreign_events(client, db, mw):
    _mark_events(mw)
    client.force_login(mw.users["auditor"])
    text = client.get(reverse("core:home")).content.decode()
    assert "matrix.marker_body_a" in text
    assert "matrix.marker_body_b" not in text
    assert "matrix.marker_contractor_b" not in text


def test_membership_switch_ignores_foreign_memberships(client, db, mw):
    # The auditor of body a also works for contractor a (two memberships).
    auditor = mw.users["auditor"]
    second = Membership.objects.create(
        user=auditor, organisation=mw.orgs["contractor_a"], role=Role.CONTRACTOR_STAFF
    )
    client.force_login(auditor)
    client.post(reverse("core:membership_switch"), {"membership": mw.members["body_b"].pk, "next": "/"})
    assert SESSION_MEMBERSHIP_KEY not in client.session
    response = client.post(reverse("core:membership_switch"), {"membership": second.pk, "next": "/"})
    assert response.headers["Location"] == "/"
    assert client.session[SESSION_MEMBERSHIP_KEY] == second.pk
    assert client.get(reverse("core:home")).context["membership"].pk == second.pk
    # An open redirect is refused.
    response = client.post(
        reverse("core:membership_switch"), {"membership": second.pk, "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_notifications_are_personal(client, db, mw):
    me = mw.users["contractor_staff"]
    mine, foreign = mw.notifications[me.pk], mw.notifications["foreign"]
    client.force_login(me)
    listed = client.get(reverse("core:notification_list")).context["page"].object_list
    assert [n.pk for n in listed] == [mine.pk]
    client.post(reverse("core:notification_read"), {"id": foreign.pk})
    assert Notification.objects.get(pk=foreign.pk).read_at is None
    client.post(reverse("core:notification_read"), {"id": mine.pk})
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    # "Mark all as read" marks only one's own.
    client.force_login(mw.users["auditor"])
    client.post(reverse("core:notification_read"))
    assert Notification.objects.get(pk=foreign.pk).read_at is None
    assert Notification.objects.get(pk=mw.notifications[mw.users["auditor"].pk].pk).read_at is not None
    response = client.post(reverse("core:notification_read"), {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/notifications/"


@pytest.mark.parametrize("actor", ROLE_ACTORS)
def test_contract_list_shows_only_own_contracts(client, db, mw, actor):
    client.force_login(mw.users[actor])
    response = client.get(reverse("contracts:contract_list"))
    # Body a's people also read its contract with the contractor shared with body b
    # (matrix_tenancy), never body b's contract with that contractor.
    # And side a's closed contract (rows_contract_close), which stays listed for both parties.
    expected = (
        {"R7-MATRIX-a", "R7-CLOSED-a"}
        if actor.startswith("contractor")
        else {"R7-MATRIX-a", "R7-SHARED-a", "R7-CLOSED-a"}
    )
    assert {c.number for c in response.context["page"].object_list} == expected
    assert "R7-MATRIX-b" not in response.content.decode()
    assert "R7-SHARED-b" not in response.content.decode()
    assert "R7-CLOSED-b" not in response.content.decode()


def test_contract_list_of_the_site_admin_shows_every_contract(client, db, mw):
    client.force_login(mw.users[SITE_ADMIN])
    numbers = {c.number for c in client.get(reverse("contracts:contract_list")).context["page"].object_list}
    assert numbers >= {"R7-MATRIX-a", "R7-MATRIX-b"}


@pytest.mark.parametrize("actor", ["client_admin", "contractor_staff"])
def test_calendar_feed_shows_only_own_contracts(client, db, mw, actor):
    token = calendar_token_issue(user=mw.users[actor])
    response = client.get(reverse("compliance:calendar_feed", args=[token]))
    assert response.status_code == 200
    feed = response.content.decode()
    assert "R7-MATRIX-a" in feed
    assert "R7-MATRIX-b" not in feed


# --- the device ledger (rows_ledgers) -------------------------------------------------------------
# Its register and change pages answer GET and POST: MATRIX holds the GET cells, these the POST ones
# (with those of ending a subcontract, matrix_subcontracts).
LEDGER_POSTS = {
    **rows_ledgers.post_rows(assembly),
    **rows_ledgers_submissions.post_rows(assembly),
    **rows_ledgers_inspections.post_rows(assembly),
    **rows_contract_close.post_rows(assembly),
    **rows_ledgers_imports.post_rows(assembly),
    **matrix_subcontracts.post_rows(assembly),
    **rows_incidents.post_rows(assembly),
}


def _ledger_post_cases():
    for name, row in LEDGER_POSTS.items():
        for (actor, target), code in row.expectations().items():
            yield pytest.param(name, actor, target, code, id=f"{name}-{actor}-{target}")


def _post(client, mw: MatrixWorld, name: str, actor: str, target: str):
    row = LEDGER_POSTS[name]
    user = mw.users[actor]
    if user is not None:
        client.force_login(user)
    return client.post(reverse(name, kwargs=row.targets[target](mw)), row.data(mw, user, target))


@pytest.mark.parametrize(("name", "actor", "target", "code"), list(_ledger_post_cases()))
def test_ledger_posts(client, db, mw, name, actor, target, code):
    row = LEDGER_POSTS[name]
    before = row.state(mw, target)
    assert_code(_post(client, mw, name, actor, target), code, f"POST {name} as {actor} on {target}")
    after = row.state(mw, target)
    if code == "R":
        assert after != before, f"{name} as {actor} on {target} redirected but wrote nothing"
    else:
        assert after == before, f"{name} as {actor} on {target} was refused but changed {before}→{after}"


def _ledger(client, mw: MatrixWorld, contract: str):
    response = client.get(reverse("ledgers:device_list", args=[mw.contracts[contract].pk]))
    assert response.status_code == 200
    return {version.device.asset_number for version, _protection in response.context["page"].object_list}


def _sub_manager(mw: MatrixWorld):
    return mw.users["sub_admin"]


@pytest.mark.parametrize("actor", [SITE_ADMIN, *ROLE_ACTORS])
def test_device_ledger_shows_side_a_devices_only_to_side_a(client, db, mw, actor):
    client.force_login(mw.users[actor])
    # The contractor is upstream of its subcontractor: it sees the subcontractor's device too.
    assert _ledger(client, mw, "contract_a") == {ASSETS["device_a"], ASSETS["sub_device"]}
    other = mw.world.b.contractor_admin.user
    client.force_login(other)
    assert _ledger(client, mw, "contract_b") == {ASSETS["device_b"]}
    assert client.get(reverse("ledgers:device_list", args=[mw.contracts["contract_a"].pk])).status_code == 404
    assert (
        client.get(reverse("ledgers:device_detail", args=[mw.extra["ledgers"]["device_a"].pk])).status_code
        == 404
    )


def test_a_subcontractor_sees_only_its_own_devices(db, mw):
    # What the ledger's selector gives the subcontractor's manager and worker: its own part only.
    contract = mw.contracts["contract_a"]
    for actor in ("sub_admin", "sub_staff"):
        user = mw.users[actor]
        membership = Membership.objects.get(user=user)
        listed = devices_visible_to(user, membership, contract)
        assert set(listed.values_list("asset_number", flat=True)) == {ASSETS["sub_device"]}


def test_a_subcontractors_ledger_page_lists_only_its_own_devices(client, db, mw):
    client.force_login(_sub_manager(mw))
    assert _ledger(client, mw, "contract_a") == {ASSETS["sub_device"]}


@pytest.mark.parametrize("actor", ["sub_admin", "sub_staff"])
def test_a_subcontractor_reads_and_changes_its_own_device_not_the_contractors(client, db, mw, actor):
    client.force_login(mw.users[actor])
    own, theirs = mw.extra["ledgers"]["sub_device"], mw.extra["ledgers"]["device_a"]
    assert client.get(reverse("ledgers:device_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("ledgers:device_update", args=[own.pk])).status_code == 200
    for name in ("ledgers:device_detail", "ledgers:device_update"):
        response = client.get(reverse(name, args=[theirs.pk]))
        assert response.status_code == 404, name
        assert ASSETS["device_a"] not in response.content.decode()
    for target, code in (("sub_device", "R"), ("device_a", "404")):
        row = LEDGER_POSTS["ledgers:device_update"]
        before = row.state(mw, target)
        assert_code(_post(client, mw, "ledgers:device_update", actor, target), code, f"{actor} on {target}")
        assert (row.state(mw, target) != before) is (code == "R")


@pytest.mark.parametrize("actor", ["contractor_admin", "contractor_staff"])
def test_the_contractor_reads_its_subcontractors_device_but_does_not_change_it(client, db, mw, actor):
    device = mw.extra["ledgers"]["sub_device"]
    user = mw.users[actor]
    membership = Membership.objects.get(user=user)
    assert permissions.can_keep_devices(user, membership, device.contract)
    assert not permissions.can_change_device(user, membership, device)
    client.force_login(user)
    assert ASSETS["sub_device"] in _ledger(client, mw, "contract_a")
    response = client.get(reverse("ledgers:device_detail", args=[device.pk]))
    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert client.get(reverse("ledgers:device_update", args=[device.pk])).status_code == 404


# --- the information ledger (rows_ledgers) ----------------------------------------------------------


def _held(mw: MatrixWorld, key: str):
    return mw.extra["ledgers"][key]


def _information(client, mw: MatrixWorld) -> set[str]:
    response = client.get(reverse("ledgers:information_list", args=[mw.contracts["contract_a"].pk]))
    assert response.status_code == 200
    return {item.title for item, _state in response.context["rows"]}


def _status(client, name: str, obj) -> int:
    return client.get(reverse(name, args=[obj.pk])).status_code


def _record_refused(client, mw: MatrixWorld, actor: str, target: str) -> None:
    row = LEDGER_POSTS["ledgers:custody_record"]
    before = row.state(mw, target)
    assert_code(_post(client, mw, "ledgers:custody_record", actor, target), "404", f"{actor} on {target}")
    assert row.state(mw, target) == before


@pytest.mark.parametrize("actor", ["sub_admin", "sub_staff"])
def test_a_subcontractor_lists_reads_and_records_only_its_own_information(client, db, mw, monkeypatch, actor):
    monkeypatch.setattr("core.pdf.render_form", lambda form_id, context: b"%PDF-1.7 scoping")
    client.force_login(mw.users[actor])
    assert _information(client, mw) == {TITLES["sub_item"]}
    own, theirs = _held(mw, "sub_item"), _held(mw, "item_a")
    response = client.get(reverse("ledgers:information_detail", args=[own.pk]))
    assert response.status_code == 200
    # The contractor's person, named on the contractor's item only, is not on the subcontractor's pages.
    assert mw.roster["person_a"].full_name not in response.content.decode()
    assert _status(client, "ledgers:custody_record", own) == 200
    assert _status(client, "ledgers:custody_slip_pdf", _held(mw, "sub_receipt")) == 200
    for name in ("ledgers:information_detail", "ledgers:custody_record"):
        response = client.get(reverse(name, args=[theirs.pk]))
        assert response.status_code == 404, name
        assert TITLES["item_a"] not in response.content.decode()
    assert _status(client, "ledgers:custody_slip_pdf", _held(mw, "receipt_a")) == 404
    assert _status(client, "ledgers:custody_correct", _held(mw, "used_a")) == 404
    row = LEDGER_POSTS["ledgers:custody_record"]
    before = row.state(mw, "sub_item")
    assert_code(_post(client, mw, "ledgers:custody_record", actor, "sub_item"), "R", f"{actor} on sub_item")
    assert row.state(mw, "sub_item") == before + 1
    _record_refused(client, mw, actor, "item_a")


@pytest.mark.parametrize("actor", ["contractor_admin", "contractor_staff"])
def test_the_contractor_reads_its_subcontractors_information_but_records_nothing_on_it(client, db, mw, actor):
    client.force_login(mw.users[actor])
    assert _information(client, mw) == {TITLES["item_a"], TITLES["sub_item"]}
    item = _held(mw, "sub_item")
    response = client.get(reverse("ledgers:information_detail", args=[item.pk]))
    assert response.status_code == 200
    # No buttons to record or correct: the subcontractor answers for what it holds.
    assert not response.context["next_steps"]
    assert not response.context["correctable"]
    assert _status(client, "ledgers:custody_record", item) == 404
    assert _status(client, "ledgers:custody_correct", _held(mw, "sub_used")) == 404
    _record_refused(client, mw, actor, "sub_item")


@pytest.mark.parametrize("actor", ["client_admin", "client_staff", "auditor"])
def test_the_public_body_reads_all_of_its_contracts_information_and_records_nothing(client, db, mw, actor):
    client.force_login(mw.users[actor])
    listed = _information(client, mw)
    assert listed == {TITLES["item_a"], TITLES["sub_item"]}
    assert _status(client, "ledgers:information_receive", mw.contracts["contract_a"]) == 404
    for key, use in (("item_a", "used_a"), ("sub_item", "sub_used")):
        response = client.get(reverse("ledgers:information_detail", args=[_held(mw, key).pk]))
        assert response.status_code == 200
        assert not response.context["next_steps"]
        assert not response.context["correctable"]
        assert _status(client, "ledgers:custody_record", _held(mw, key)) == 404
        assert _status(client, "ledgers:custody_correct", _held(mw, use)) == 404
        _record_refused(client, mw, actor, key)
    # Side b's item is on no page of side a.
    assert TITLES["item_b"] not in listed
    assert _status(client, "ledgers:information_detail", _held(mw, "item_b")) == 404


# --- the take-out requests (rows_ledgers) ----------------------------------------------------------


def _takeouts_listed(client, mw: MatrixWorld) -> set[int]:
    response = client.get(reverse("ledgers:takeout_list", args=[mw.contracts["contract_a"].pk]))
    assert response.status_code == 200
    return {takeout.pk for takeout in response.context["page"].object_list}


@pytest.mark.parametrize("actor", [SITE_ADMIN, *ROLE_ACTORS, "sub_admin", "sub_staff"])
def test_takeout_list_shows_drafts_only_to_the_requesting_side(client, db, mw, actor):
    client.force_login(mw.users[actor])
    draft, submitted = _held(mw, "takeout_draft_a").pk, _held(mw, "takeout_submitted_a").pk
    # The public body's side sees a request once it is submitted; the subcontractor only its
    # own part's (it requested none); side b's requests are on no page of side a.
    expected = {
        "client_admin": {submitted},
        "client_staff": {submitted},
        "auditor": {submitted},
        "sub_admin": set(),
        "sub_staff": set(),
    }.get(actor, {draft, submitted})
    assert _takeouts_listed(client, mw) == expected


# --- the inspections (rows_ledgers_inspections) -----------------------------------------------


@pytest.mark.parametrize("actor", ["sub_admin", "sub_staff"])
def test_a_subcontractor_lists_reads_and_corrects_only_its_own_inspections(client, db, mw, actor):
    client.force_login(mw.users[actor])
    found = mw.extra["inspections"]
    listed = client.get(reverse("ledgers:inspection_list", args=[mw.contracts["contract_a"].pk]))
    assert [i.pk for i in listed.context["page"].object_list] == [found["sub_inspection"].pk]
    assert (
        client.get(reverse("ledgers:inspection_detail", args=[found["sub_inspection"].pk])).status_code == 200
    )
    assert client.get(reverse("ledgers:finding_correct", args=[found["sub_finding"].pk])).status_code == 200
    assert (
        client.get(reverse("ledgers:inspection_detail", args=[found["inspection_a"].pk])).status_code == 404
    )
    assert client.get(reverse("ledgers:finding_correct", args=[found["finding_a"].pk])).status_code == 404


# --- a subcontract ended (matrix_subcontracts) ------------------------------------------------------


def test_an_ended_subcontractor_keeps_its_link_and_its_own_ledger_part_and_nothing_else(client, db, mw):
    from django.utils import timezone

    from contracts.services.subcontract_end import subcontract_end

    manager = mw.world.a.contractor_admin
    link = mw.extra["subcontracts"]["link_a"]
    subcontract_end(
        actor=manager.user,
        actor_membership=manager,
        link=link,
        ended_on=min(link.end_date, timezone.localdate()),
        reason="契約解除",
        kind="terminated",
    )
    found = mw.extra["ledgers"]
    client.force_login(mw.users["sub_admin"])
    assert client.get(reverse("contracts:subcontract", args=[link.pk])).status_code == 200
    for name, pk in (
        ("contracts:subcontract_child_create", link.pk),
        ("contracts:subcontract_end", link.pk),
        ("contracts:person_pledge", found["sub_worker"].pk),
        ("contracts:contract_detail", mw.contracts["contract_a"].pk),
        ("ledgers:device_detail", found["device_a"].pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    # Its own part until its return or disposal is certified: its device, nobody else's.
    assert _ledger(client, mw, "contract_a") == {ASSETS["sub_device"]}
    assert client.get(reverse("ledgers:information_detail", args=[found["sub_item"].pk])).status_code == 200
