"""Subcontracting (再委託) at any depth: the application, its approval by the public body for every
tier, the evidence the duty engine reads, and what a subcontractor may see of the contract."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from contracts.models import Person, Subcontract
from contracts.selectors.roster import roster_in_force
from contracts.selectors.subcontracts import (
    employer_ids_in_scope,
    people_of_chain,
    subcontracts_held,
    subcontracts_visible_to,
)
from contracts.services import contract_activate, contract_create
from contracts.services import roster as roster_services
from contracts.services import subcontracts as services
from contracts.services.pledges import pledge_upload
from contracts.spreadsheets.roster import ROSTER_SPEC, roster_export, roster_import
from core.models import Event, Notification, Role
from core.services.organisations import organisation_grant_visibility
from core.spreadsheets import SpreadsheetError, export_rows, parse_rows
from tests import factories
from tests.contracts.conftest import END, MINIMAL_PDF, START, TODAY


class Subs:
    """Three subcontractor organisations the public body works with, each with a manager and a worker."""

    def __init__(self, side):
        self.orgs, self.admins, self.staff = {}, {}, {}
        for label in ("x", "y", "z"):
            org = factories.contractor(f"再委託{label}株式会社")
            organisation_grant_visibility(actor=None, organisation=org, to=side.body)
            self.orgs[label] = org
            self.admins[label] = factories.member(org, Role.CONTRACTOR_ADMIN, email=f"sub-{label}@example.jp")
            self.staff[label] = factories.member(
                org, Role.CONTRACTOR_STAFF, email=f"sub-{label}-w@example.jp"
            )


@pytest.fixture
def subs(side):
    return Subs(side)


@pytest.fixture
def contract(side):
    """Under 練馬区's clauses (001): subcontracting foreseen, personal information handled."""
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("001-*.yaml")))
    admin = side.client_admin
    created = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R7-SUB-1",
        title="データ入力業務",
        start_date=START,
        end_date=END,
        work_start_date=START + timedelta(days=10),
        clause_template=template,
        handles_personal_info=True,
        subcontracting=True,
    )
    return contract_activate(actor=admin.user, actor_membership=admin, contract=created, signed_on=START)


FIELDS = {
    "extent": "part",
    "reason": "繁忙期の要員不足",
    "scope": "データ入力",
    "information_handled": "申請者の氏名・住所",
    "handles_personal_info": True,
    "security_measures": "施錠された作業室のみで作業",
    "supervision": "月次報告",
    "precheck_confirmed": True,
    "equivalent_terms": True,
}


def apply(actor_membership, contract, org, parent=None, **overrides):
    return services.subcontract_create(
        actor=actor_membership.user,
        actor_membership=actor_membership,
        contract=contract,
        subcontractor=org,
        parent=parent,
        **{"start_date": contract.start_date, "end_date": contract.end_date, **FIELDS, **overrides},
    )


def act(membership, link, action, reason=""):
    return services.subcontract_act(
        actor=membership.user, actor_membership=membership, subcontract=link, action=action, reason=reason
    )


def approved(side, membership, contract, org, parent=None):
    link = apply(membership, contract, org, parent)
    act(membership, link, "submit")
    return act(side.client_staff, link, "approve")


def add_worker(side, contract, name, employer=None):
    manager = side.contractor_admin
    kwargs = {"actor": manager.user, "actor_membership": manager}
    change = roster_services.roster_change_open(contract=contract, **kwargs)
    entry = roster_services.roster_person_add(
        change=change,
        full_name=name,
        role="worker",
        employment="subcontractor" if employer else "employee",
        employer=employer,
        start_date=contract.work_start_date,
        # 001 §7 wants everyone's affiliation and period on the roster.
        affiliation="開発部",
        planned_end_date=contract.end_date,
        **kwargs,
    )
    roster_services.roster_change_act(change=change, action="submit", **kwargs)
    change.refresh_from_db()
    if change.approval_state == "submitted" and change.effective_at is None:
        roster_services.roster_change_act(
            change=change, action="approve", actor=side.client_staff.user, actor_membership=side.client_staff
        )
    return entry.person


# --- the application and its workflow -----------------------------------------------------------


def test_a_chain_of_three_tiers_each_approved_by_the_public_body(side, subs, contract):
    first = approved(side, side.contractor_admin, contract, subs.orgs["x"])
    second = approved(side, subs.admins["x"], contract, subs.orgs["y"], parent=first)
    third = approved(side, subs.admins["y"], contract, subs.orgs["z"], parent=second)
    assert (first.depth, second.depth, third.depth) == (1, 2, 3)
    assert third.path == f"/{first.pk}/{second.pk}/{third.pk}/"
    assert third.upstream_id == subs.orgs["y"].pk
    assert {s.approval_state for s in (first, second, third)} == {"approved"}
    # Each submission froze the application as a PDF with its hash.
    for link in (first, second, third):
        link.refresh_from_db()
        assert link.submitted_pdf.sha256


def test_only_the_entrusting_partys_manager_applies(side, subs, contract):
    with pytest.raises(PermissionDenied):
        apply(side.contractor_staff, contract, subs.orgs["x"])
    with pytest.raises(PermissionDenied):
        apply(subs.admins["x"], contract, subs.orgs["y"])  # not a party yet
    first = apply(side.contractor_admin, contract, subs.orgs["x"])
    # Below a link that is not approved, nobody applies.
    with pytest.raises(PermissionDenied):
        apply(subs.admins["x"], contract, subs.orgs["y"], parent=first)
    act(side.contractor_admin, first, "submit")
    act(side.client_staff, first, "approve")
    first.refresh_from_db()
    # The contractor does not apply in its subcontractor's name.
    with pytest.raises(PermissionDenied):
        apply(side.contractor_admin, contract, subs.orgs["y"], parent=first)


def test_nobody_decides_but_the_public_body(side, subs, contract):
    link = apply(side.contractor_admin, contract, subs.orgs["x"])
    act(side.contractor_admin, link, "submit")
    for membership in (side.contractor_admin, subs.admins["x"], side.auditor):
        with pytest.raises(PermissionDenied):
            act(membership, link, "approve")
    assert Subcontract.objects.get(pk=link.pk).approval_state == "submitted"


def test_a_return_needs_a_reason_and_the_corrected_application_is_submitted_again(side, subs, contract):
    link = apply(side.contractor_admin, contract, subs.orgs["x"])
    act(side.contractor_admin, link, "submit")
    with pytest.raises(ValidationError):
        act(side.client_staff, link, "return")
    act(side.client_staff, link, "return", reason="監督の方法を具体的に")
    services.subcontract_update(
        actor=side.contractor_admin.user,
        actor_membership=side.contractor_admin,
        subcontract=link,
        start_date=contract.start_date,
        end_date=contract.end_date,
        **{**FIELDS, "supervision": "月次報告と四半期の立入確認"},
    )
    act(side.contractor_admin, link, "submit")
    link = act(side.client_staff, link, "approve")
    assert link.supervision == "月次報告と四半期の立入確認"
    # Applied once, however often it was submitted.
    assert Event.objects.filter(kind="subcontract.applied", object_id=str(link.pk)).count() == 1


def test_a_submitted_application_is_not_edited(side, subs, contract):
    link = apply(side.contractor_admin, contract, subs.orgs["x"])
    act(side.contractor_admin, link, "submit")
    with pytest.raises(ValidationError):
        services.subcontract_update(
            actor=side.contractor_admin.user,
            actor_membership=side.contractor_admin,
            subcontract=link,
            start_date=START,
            end_date=END,
            **FIELDS,
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"scope": ""}, "scope"),
        ({"information_handled": ""}, "information_handled"),
        ({"security_measures": ""}, "security_measures"),
        ({"supervision": ""}, "supervision"),
        ({"end_date": END + timedelta(days=1)}, "end_date"),
        ({"start_date": START - timedelta(days=1)}, "end_date"),
    ],
)
def test_the_application_names_every_field_of_the_clauses(side, subs, contract, overrides, field):
    with pytest.raises(ValidationError) as caught:
        services.subcontract_create(
            actor=side.contractor_admin.user,
            actor_membership=side.contractor_admin,
            contract=contract,
            subcontractor=subs.orgs["x"],
            **{"start_date": START, "end_date": END, **FIELDS, **overrides},
        )
    assert field in caught.value.message_dict
    assert not Subcontract.objects.exists()


def test_the_precheck_and_equivalent_terms_are_confirmed_before_submission(side, subs, contract):
    link = apply(
        side.contractor_admin, contract, subs.orgs["x"], precheck_confirmed=False, equivalent_terms=False
    )
    with pytest.raises(ValidationError) as caught:
        act(side.contractor_admin, link, "submit")
    assert set(caught.value.message_dict) == {"precheck_confirmed", "equivalent_terms"}
    assert Subcontract.objects.get(pk=link.pk).approval_state == "draft"


def test_no_subcontracting_to_oneself_to_a_stranger_or_up_the_chain(side, subs, contract):
    stranger = factories.contractor("見知らぬ株式会社")  # the public body never brought it in
    with pytest.raises(ValidationError) as caught:
        apply(side.contractor_admin, contract, stranger)
    assert "subcontractor" in caught.value.message_dict
    with pytest.raises(ValidationError):
        apply(side.contractor_admin, contract, side.contractor)
    first = approved(side, side.contractor_admin, contract, subs.orgs["x"])
    # x cannot entrust work back to the contractor, nor to itself.
    for org in (side.contractor, subs.orgs["x"]):
        with pytest.raises(ValidationError):
            apply(subs.admins["x"], contract, org, parent=first)
    # One live link per organisation and contract.
    with pytest.raises(ValidationError):
        apply(side.contractor_admin, contract, subs.orgs["x"])


def test_a_re_subcontract_lies_within_the_period_above_it(side, subs, contract):
    first = apply(side.contractor_admin, contract, subs.orgs["x"], end_date=END - timedelta(days=30))
    act(side.contractor_admin, first, "submit")
    first = act(side.client_staff, first, "approve")
    with pytest.raises(ValidationError) as caught:
        apply(subs.admins["x"], contract, subs.orgs["y"], parent=first)  # runs to the contract's end
    assert "end_date" in caught.value.message_dict
    second = apply(subs.admins["x"], contract, subs.orgs["y"], parent=first, end_date=first.end_date)
    assert second.end_date == first.end_date


# --- evidence for the duty engine ----------------------------------------------------------------


def test_submission_and_approval_meet_the_clauses_duties(side, subs, contract):
    link = apply(side.contractor_admin, contract, subs.orgs["x"])
    act(side.contractor_admin, link, "submit")
    subject = f"contracts.subcontract:{link.pk}"
    precheck = Duty.objects.get(
        contract=contract, obligation__key="15.2-subcontract-precheck", subject=subject
    )
    assert precheck.state == Duty.State.FULFILLED
    assert precheck.evidence_event.kind == "subcontract.precheck_submitted"
    approval = Duty.objects.get(contract=contract, obligation__key="15.1-subcontract-approval")
    assert approval.state == Duty.State.OPEN
    act(side.client_staff, link, "approve")
    approval.refresh_from_db()
    assert approval.state == Duty.State.FULFILLED
    # Approval opens the per-subcontract attestation of equivalent terms (001 §16.1).
    assert Duty.objects.filter(
        obligation__key="16.1-equivalent-terms", subject=subject, state="open"
    ).exists()


def test_a_re_subcontract_tells_every_party_above(side, subs, contract):
    first = approved(side, side.contractor_admin, contract, subs.orgs["x"])
    second = approved(side, subs.admins["x"], contract, subs.orgs["y"], parent=first)
    Notification.objects.all().delete()
    third = apply(subs.admins["y"], contract, subs.orgs["z"], parent=second)
    act(subs.admins["y"], third, "submit")
    told = set(
        Notification.objects.filter(title__contains=subs.orgs["z"].name).values_list("user_id", flat=True)
    )
    assert {side.contractor_admin.user_id, subs.admins["x"].user_id} <= told
    assert subs.admins["y"].user_id not in told  # the applicant itself
    event = Event.objects.get(kind="subcontract.upstream_notified", object_id=str(third.pk))
    assert set(event.data["notified"]) == {side.contractor.pk, subs.orgs["x"].pk}


def test_a_re_subcontract_is_approved_only_below_an_approved_link(side, subs, contract):
    first = approved(side, side.contractor_admin, contract, subs.orgs["x"])
    second = apply(subs.admins["x"], contract, subs.orgs["y"], parent=first)
    # The upstream link rejected later would strand it: approval checks the parent again.
    Subcontract.objects.filter(pk=first.pk).update(approval_state="rejected")
    with pytest.raises(ValidationError):
        act(subs.admins["x"], second, "submit")


# --- the roster names whose people they are -------------------------------------------------------


def test_a_subcontractors_worker_needs_an_approved_subcontractor_as_employer(side, subs, contract):
    manager = side.contractor_admin
    kwargs = {"actor": manager.user, "actor_membership": manager}
    change = roster_services.roster_change_open(contract=contract, **kwargs)
    base = {
        "change": change,
        "full_name": "伊藤 美咲",
        "role": "worker",
        "start_date": contract.work_start_date,
        "affiliation": "開発部",  # 001 §7: everyone's affiliation and period
        "planned_end_date": contract.end_date,
    }
    with pytest.raises(ValidationError) as caught:
        roster_services.roster_person_add(employment="subcontractor", **base, **kwargs)
    assert "employer" in caught.value.message_dict
    pending = apply(side.contractor_admin, contract, subs.orgs["x"])
    with pytest.raises(ValidationError) as caught:
        roster_services.roster_person_add(
            employment="subcontractor", employer=subs.orgs["x"], **base, **kwargs
        )
    assert "employer" in caught.value.message_dict  # not approved yet
    act(side.contractor_admin, pending, "submit")
    act(side.client_staff, pending, "approve")
    with pytest.raises(ValidationError) as caught:
        roster_services.roster_person_add(employment="employee", employer=subs.orgs["x"], **base, **kwargs)
    assert "employment" in caught.value.message_dict
    entry = roster_services.roster_person_add(
        employment="subcontractor", employer=subs.orgs["x"], **base, **kwargs
    )
    assert entry.person.employer == subs.orgs["x"]


def test_the_roster_sheet_names_the_subcontractor(side, subs, contract):
    approved(side, side.contractor_admin, contract, subs.orgs["x"])
    manager = side.contractor_admin
    kwargs = {"actor": manager.user, "actor_membership": manager}
    change = roster_services.roster_change_open(contract=contract, **kwargs)
    rows = [
        {
            "full_name": "伊藤 美咲",
            "role": "worker",
            "employment": "subcontractor",
            "start_date": TODAY,
            "employer_name": "再委託ｘ株式会社",
        },  # NFKC: full-width letters match
        {"full_name": "山田 太郎", "role": "worker", "employment": "employee", "start_date": TODAY},
    ]
    for row in rows:  # 001 §7: everyone's affiliation and period
        row.update(affiliation="開発部", planned_end_date=contract.end_date)
    created = roster_import(change=change, data=export_rows(ROSTER_SPEC, rows), **kwargs)
    assert [e.person.employer_id for e in created] == [subs.orgs["x"].pk, side.contractor.pk]
    # An unknown name is an error at its cell, and nothing is imported.
    bad = [{**rows[0], "full_name": "別人", "employer_name": "知らない株式会社"}]
    ROW = parse_rows(ROSTER_SPEC, export_rows(ROSTER_SPEC, bad)).row_numbers[0]
    with pytest.raises(SpreadsheetError) as caught:
        roster_import(change=change, data=export_rows(ROSTER_SPEC, bad), **kwargs)
    assert [(e.row, e.header) for e in caught.value.cell_errors] == [(ROW, "雇用主（再委託先）")]
    assert Person.objects.filter(contract=contract).count() == 2
    roster_services.roster_change_act(change=change, action="submit", **kwargs)
    exported = roster_export(roster_in_force(contract))
    assert "再委託x株式会社" in _sheet_text(exported)


def _sheet_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


# --- what a subcontractor sees ---------------------------------------------------------------------


@pytest.fixture
def chain(side, subs, contract):
    """x (tier 1) and its y (tier 2), and w, a sibling of x at tier 1; one worker each, and one of
    the contractor's own people."""
    w = factories.contractor("兄弟株式会社")
    organisation_grant_visibility(actor=None, organisation=w, to=side.body)
    first = approved(side, side.contractor_admin, contract, subs.orgs["x"])
    second = approved(side, subs.admins["x"], contract, subs.orgs["y"], parent=first)
    sibling = approved(side, side.contractor_admin, contract, w)
    people = {
        "own": add_worker(side, contract, "元請 一郎"),
        "x": add_worker(side, contract, "再委託 次郎", subs.orgs["x"]),
        "y": add_worker(side, contract, "再々委託 三郎", subs.orgs["y"]),
        "w": add_worker(side, contract, "兄弟 四郎", w),
    }
    return {"first": first, "second": second, "sibling": sibling, "people": people, "w": w}


def test_a_subcontractor_sees_its_own_chain_and_nothing_above_or_beside(side, subs, contract, chain):
    x, y = subs.admins["x"], subs.admins["y"]
    assert set(subcontracts_visible_to(x.user, x)) == {chain["first"], chain["second"]}
    assert set(subcontracts_visible_to(y.user, y)) == {chain["second"]}
    assert set(subcontracts_held(x)) == {chain["first"]}
    assert employer_ids_in_scope(x.user, x, contract) == {subs.orgs["x"].pk, subs.orgs["y"].pk}
    assert employer_ids_in_scope(y.user, y, contract) == {subs.orgs["y"].pk}
    # The contractor and the public body read the contract whole.
    assert employer_ids_in_scope(side.contractor_admin.user, side.contractor_admin, contract) is None
    assert employer_ids_in_scope(side.auditor.user, side.auditor, contract) is None
    names = {e.person.full_name for e in people_of_chain(chain["first"])}
    assert names == {"再委託 次郎", "再々委託 三郎"}
    assert {e.person.full_name for e in people_of_chain(chain["second"])} == {"再々委託 三郎"}


def test_a_subcontractors_pages_show_only_its_people(client, side, subs, contract, chain):
    x = subs.admins["x"]
    client.force_login(x.user)
    page = client.get(reverse("contracts:subcontract", args=[chain["first"].pk])).content.decode()
    assert "再委託 次郎" in page and "再々委託 三郎" in page
    assert "元請 一郎" not in page and "兄弟 四郎" not in page
    people = chain["people"]
    assert client.get(reverse("contracts:person_pledge", args=[people["x"].pk])).status_code == 200
    assert client.get(reverse("contracts:person_pledge", args=[people["y"].pk])).status_code == 200
    for other in ("own", "w"):
        assert client.get(reverse("contracts:person_pledge", args=[people[other].pk])).status_code == 404
    for page in ("contract_detail", "roster", "worksites", "training", "subcontracts", "roster_xlsx_export"):
        name = f"contracts:{page}"
        assert client.get(reverse(name, args=[contract.pk])).status_code == 404, name
    assert client.get(reverse("contracts:subcontract", args=[chain["sibling"].pk])).status_code == 404
    listed = client.get(reverse("contracts:subcontract_list")).content.decode()
    assert subs.orgs["y"].name in listed and chain["w"].name not in listed


def test_the_tier_below_does_not_see_the_tier_above(client, side, subs, contract, chain):
    y = subs.admins["y"]
    client.force_login(y.user)
    assert client.get(reverse("contracts:subcontract", args=[chain["first"].pk])).status_code == 404
    page = client.get(reverse("contracts:subcontract", args=[chain["second"].pk])).content.decode()
    assert "再々委託 三郎" in page and "再委託 次郎" not in page
    assert client.get(reverse("contracts:person_pledge", args=[chain["people"]["x"].pk])).status_code == 404


def test_a_subcontractors_manager_registers_its_own_workers_pledges_only(side, subs, contract, chain):
    x = subs.admins["x"]
    people = chain["people"]

    def upload(membership, person):
        return pledge_upload(
            actor=membership.user,
            actor_membership=membership,
            person=person,
            uploaded=SimpleUploadedFile("誓約書.pdf", MINIMAL_PDF, content_type="application/pdf"),
            signed_on=TODAY,
        )

    assert upload(x, people["x"]).person == people["x"]
    for person in (people["y"], people["own"]):  # its subcontractor's workers sign with their employer
        with pytest.raises(PermissionDenied):
            upload(x, person)
    with pytest.raises(PermissionDenied):
        upload(subs.staff["x"], people["x"])


def test_a_subcontractors_worker_does_not_download_pledges(client, side, subs, contract, chain):
    x = subs.admins["x"]
    pledge = pledge_upload(
        actor=x.user,
        actor_membership=x,
        person=chain["people"]["x"],
        uploaded=SimpleUploadedFile("誓約書.pdf", MINIMAL_PDF, content_type="application/pdf"),
        signed_on=TODAY,
    )
    client.force_login(subs.staff["x"].user)
    assert client.get(reverse("contracts:pledge_file", args=[pledge.pk])).status_code == 404
    client.force_login(x.user)
    assert client.get(reverse("contracts:pledge_file", args=[pledge.pk])).status_code == 200
    client.force_login(subs.admins["y"].user)  # below x: not its business
    assert client.get(reverse("contracts:pledge_file", args=[pledge.pk])).status_code == 404


@pytest.mark.parametrize("people", [5, 500])
def test_subcontract_page_query_count_at_500_people(
    client, side, subs, contract, django_assert_num_queries, people
):
    from django.db import connection

    from contracts.models import PersonRole, RosterEntry

    link = approved(side, side.contractor_admin, contract, subs.orgs["x"])
    manager = side.contractor_admin
    kwargs = {"actor": manager.user, "actor_membership": manager}
    change = roster_services.roster_change_open(contract=contract, **kwargs)
    persons = [
        Person(
            contract=contract,
            data_key_id=contract.data_key_id,
            full_name=f"再委託 職員{i:03d}",
            employer=subs.orgs["x"],
            employment="subcontractor",
        )
        for i in range(people)
    ]
    for p in persons:  # save(): the names are encrypted per row
        p.save()
    RosterEntry.objects.bulk_create(
        [
            RosterEntry(change=change, person=p, action="add", role=PersonRole.WORKER, start_date=START)
            for p in persons
        ]
    )
    roster_services.roster_change_act(change=change, action="submit", **kwargs)
    change.refresh_from_db()
    if change.effective_at is None:
        roster_services.roster_change_act(
            change=change, action="approve", actor=side.client_staff.user, actor_membership=side.client_staff
        )
    x = subs.admins["x"]
    client.force_login(x.user)
    url = reverse("contracts:subcontract", args=[link.pk])
    client.get(url)
    # session, user, membership, own paths, the link (contract and template joined), count and page
    # of people (employers joined), the view's audit event (2, 3 with PostgreSQL's chain lock),
    # chain, downstream, whether a full party, the clause forbidding the main part (003 §6.1),
    # whether the subcontractor has joined, the link's duties (compliance's slot), unread bell,
    # session refresh: the same at 5 or 500.
    with django_assert_num_queries(EXPECTED_SUBCONTRACT_PAGE + (connection.vendor == "postgresql")):
        response = client.get(url)
    assert response.context["people"].paginator.count == people
    assert len(response.context["people"].object_list) == min(people, 50)


EXPECTED_SUBCONTRACT_PAGE = 21
