"""Bounds on input (core.validators): every free text has a length fit for its purpose, every date a
plausible range, every id from a request is parsed strictly — at the form (a message at the field)
and again in the service (a request that bypasses the form is refused the same way). Malformed
input answers a message or a 400, never a 500; nothing typed at the login reaches the audit trail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clauses.services import clause_template_load
from compliance import engine
from compliance.models import Duty
from contracts.forms.people import PledgeUploadForm
from contracts.models import Contract, UnsuitableFlag
from contracts.services import contract_activate, contract_create
from contracts.services import flags as flag_services
from contracts.services import roster as roster_services
from contracts.services.pledges import pledge_upload
from core import validators
from core.approvals import ApprovalState
from core.models import Event, Notification, Role
from core.services import invitations as invitation_services
from core.services import users as user_services
from core.services.notifications import notification_create
from core.throttling import bounded_login
from tests import factories
from tests.compliance.conftest import DATA
from tests.contracts.conftest import MINIMAL_PDF, TODAY

HUGE = "あ" * 100_000


@pytest.fixture
def party(db):
    return factories.side("h", "丁")


@pytest.fixture
def new_contract(party):
    """Make a draft contract of `party` under the small clauses of the compliance tests."""
    engine.clear_caches()
    template = clause_template_load(path=DATA / "mini.yaml")[0]

    def make(**overrides):
        fields = {
            "contractor": party.contractor,
            "number": f"R7-H{factories.next_number()}",
            "title": "入力検査業務",
            "start_date": date(2025, 4, 1),
            "end_date": date(2026, 3, 31),
            "work_start_date": date(2025, 4, 14),
            "clause_template": template,
            "handles_personal_info": True,
        }
        fields.update(overrides)
        admin = party.client_admin
        return contract_create(actor=admin.user, actor_membership=admin, **fields)

    yield make
    engine.clear_caches()


def _activated(party, new_contract):
    contract = new_contract()
    return contract_activate(
        actor=party.client_admin.user,
        actor_membership=party.client_admin,
        contract=contract,
        signed_on=date(2025, 4, 1),
    )


def _person_on_roster(party, contract):
    manager = party.contractor_admin
    kwargs = {"actor": manager.user, "actor_membership": manager}
    change = roster_services.roster_change_open(contract=contract, **kwargs)
    person = roster_services.roster_person_add(
        change=change, full_name="名簿 太郎", start_date=date(2025, 4, 14), **kwargs
    ).person
    return change, person


# --- the rules themselves -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (date(2000, 1, 1), True),
        (date(2100, 12, 31), True),
        (date(1999, 12, 31), False),
        (date(1, 1, 1), False),
        (date(9999, 12, 31), False),
    ],
)
def test_dates_are_bounded_to_a_plausible_range(value, ok):
    if ok:
        validators.validate_plausible_date(value)
    else:
        with pytest.raises(ValidationError):
            validators.validate_plausible_date(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("0012", 12),
        ("²", None),
        ("١٢", None),
        ("-1", None),
        ("1e3", None),
        ("", None),
        ("9" * 30, None),
    ],
)
def test_ids_from_requests_are_ascii_digits_only(text, expected):
    assert "²".isdigit()  # why str.isdigit() is not enough
    assert validators.parse_id(text) == expected


def test_check_input_names_every_field_at_fault():
    with pytest.raises(ValidationError) as exc:
        validators.check_input(
            texts={
                "note": ("x" * 2001, validators.NOTE),
                "name": ("a\x00b", validators.NAME),
                "ok": ("fine", 10),
            },
            dates={"on": date(9999, 12, 31), "fine": date(2025, 4, 1)},
        )
    assert set(exc.value.error_dict) == {"note", "name", "on"}


def test_a_login_is_stored_as_typed_only_when_it_is_an_address():
    assert bounded_login("  Someone@Example.JP ") == "someone@example.jp"
    for typed in ("my-secret-password", "a" * 2_300_000, "x@example.jp\x00", "@" * 300):
        stored = bounded_login(typed)
        assert stored.startswith("#") and len(stored) == 41
    assert bounded_login("my-secret-password") == bounded_login("MY-secret-password ")


# --- dates ----------------------------------------------------------------------------------------


def test_a_contract_outside_the_plausible_range_is_refused_at_its_fields(new_contract):
    with pytest.raises(ValidationError) as exc:
        new_contract(start_date=date(1, 1, 1), end_date=date(9999, 12, 31), work_start_date=date(1, 1, 2))
    assert {"start_date", "end_date", "work_start_date"} <= set(exc.value.error_dict)
    assert not Contract.objects.filter(start_date=date(1, 1, 1)).exists()


def test_a_contract_drafted_with_implausible_dates_cannot_be_activated(party, new_contract):
    contract = new_contract()
    # Drafted before the bounds existed: the dates are in the row already.
    Contract.objects.filter(pk=contract.pk).update(start_date=date(1, 1, 1), end_date=date(9999, 12, 31))
    contract.refresh_from_db()
    with pytest.raises(ValidationError):
        contract_activate(
            actor=party.client_admin.user,
            actor_membership=party.client_admin,
            contract=contract,
            signed_on=TODAY,
        )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT
    assert not Duty.objects.filter(contract=contract).exists()


def test_activation_refuses_an_implausible_signing_date_at_the_field(client, party, new_contract):
    contract = new_contract()
    client.force_login(party.client_admin.user)
    response = client.post(
        reverse("contracts:contract_activate", args=[contract.pk]), {"signed_on": "0001-01-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["signed_on"]
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT


def test_a_pledge_cannot_be_signed_in_year_one(party, new_contract):
    contract = _activated(party, new_contract)
    _change, person = _person_on_roster(party, contract)
    form = PledgeUploadForm(
        data={"signed_on": "0001-01-01"},
        files={"file": SimpleUploadedFile("p.pdf", MINIMAL_PDF, content_type="application/pdf")},
    )
    assert not form.is_valid() and form.errors["signed_on"]
    with pytest.raises(ValidationError) as exc:
        pledge_upload(
            actor=party.contractor_admin.user,
            actor_membership=party.contractor_admin,
            person=person,
            uploaded=SimpleUploadedFile("p.pdf", MINIMAL_PDF, content_type="application/pdf"),
            signed_on=date(1, 1, 1),
        )
    assert "signed_on" in exc.value.error_dict
    assert not person.pledges.exists()


def test_recording_the_start_of_work_on_an_implausible_date_says_so(client, party, new_contract):
    contract = _activated(party, new_contract)
    client.force_login(party.client_admin.user)
    before = Event.objects.filter(kind="contract.work_started").count()
    response = client.post(
        reverse("contracts:contract_work_start", args=[contract.pk]), {"on": "9999-12-31"}, follow=True
    )
    assert response.status_code == 200
    assert Event.objects.filter(kind="contract.work_started").count() == before


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2025-02-30", "²"])
def test_date_filters_answer_without_a_server_error(client, party, new_contract, value):
    contract = _activated(party, new_contract)
    client.force_login(party.client_admin.user)
    for url, params in (
        (reverse("core:audit_log"), {"since": value, "until": value}),
        (reverse("contracts:roster", args=[contract.pk]), {"on": value}),
        (reverse("contracts:roster_xlsx_export", args=[contract.pk]), {"on": value}),
        (reverse("contracts:worksites", args=[contract.pk]), {"on": value}),
        (reverse("contracts:training", args=[contract.pk]), {"start": value, "end": value}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200, url


# --- lengths: the form says it, the service refuses it --------------------------------------------


def test_a_flag_answer_goes_through_its_form(client, party, new_contract):
    contract = _activated(party, new_contract)
    _change, person = _person_on_roster(party, contract)
    client_admin = party.client_admin
    flag = flag_services.flag_raise(
        actor=client_admin.user,
        actor_membership=client_admin,
        person=person,
        reason="r",
        measures_requested="m",
    )
    client.force_login(party.contractor_admin.user)
    for answer in ("あ" * 200_000, "対応\x00済み"):
        response = client.post(
            reverse("contracts:flag_answer", args=[flag.pk]), {"answer": answer}, follow=True
        )
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
        flag.refresh_from_db()
        assert flag.answer == "" and flag.answered_at is None
    with pytest.raises(ValidationError) as exc:
        flag_services.flag_answer(
            actor=party.contractor_admin.user,
            actor_membership=party.contractor_admin,
            flag=flag,
            answer="x" * (validators.NOTE + 1),
        )
    assert "answer" in exc.value.error_dict
    assert UnsuitableFlag.objects.get(pk=flag.pk).answered_at is None


def test_profile_fields_have_a_name_sized_limit(client, party):
    user = party.client_staff.user
    client.force_login(user)
    response = client.post(
        reverse("core:profile"),
        {
            "full_name": HUGE,
            "full_name_kana": "",
            "phone": "0" * 1000,
            "language": "ja",
            "notification_mode": "immediate",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"full_name", "phone"}
    with pytest.raises(ValidationError) as exc:
        user_services.user_update_profile(actor=user, user=user, full_name=HUGE)
    assert "full_name" in exc.value.error_dict
    user.refresh_from_db()
    assert len(user.full_name) < 100


def test_an_invitation_refuses_a_name_past_its_limit_and_a_nul(client, party):
    invitation, token = invitation_services.invitation_create(
        actor=party.client_admin.user,
        actor_membership=party.client_admin,
        organisation=party.body,
        email="newcomer@example.jp",
        role=Role.CLIENT_STAFF,
    )
    url = reverse("core:invitation_accept", args=[token])
    password = "sakura-momiji-2025-kawa"
    for name in (HUGE, "新井\x00花子"):
        response = client.post(url, {"full_name": name, "password1": password, "password2": password})
        assert response.status_code == 200
        assert response.context["form"].errors["full_name"]
    with pytest.raises(ValidationError) as exc:
        invitation_services.invitation_accept(
            token=token, full_name=HUGE, full_name_kana="", password=password
        )
    assert "full_name" in exc.value.error_dict
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize("statement", ["確認" * 50_000, "確認\x00済み"])
def test_an_attestation_statement_is_bounded_before_it_reaches_the_event(
    client, party, new_contract, statement
):
    contract = _activated(party, new_contract)
    duty = Duty.objects.get(contract=contract, obligation__key="3.3-no-ai")
    client.force_login(party.contractor_staff.user)
    response = client.post(reverse("compliance:duty_attest", args=[duty.pk]), {"statement": statement})
    # The confirmation page is shown again with the message at the comment.
    assert response.status_code == 200
    assert response.context["form"].errors["statement"]
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN
    assert not Event.objects.filter(kind="attestation.confirmed").exists()


def test_a_waiver_reason_and_a_request_note_are_bounded_in_the_service(party, new_contract):
    from compliance.services import duties as duty_services

    contract = _activated(party, new_contract)
    duty = Duty.objects.get(contract=contract, obligation__key="3.1-periodic-report")
    admin = party.client_admin
    with pytest.raises(ValidationError) as exc:
        duty_services.duty_waive(actor=admin.user, actor_membership=admin, duty=duty, reason=HUGE)
    assert "reason" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        duty_services.duty_request(
            actor=admin.user,
            actor_membership=admin,
            contract=contract,
            obligation_key="3.2-report-on-request",
            note=HUGE,
        )
    assert "note" in exc.value.error_dict


def test_an_approval_reason_past_its_limit_is_said_and_changes_nothing(client, party, new_contract):
    contract = _activated(party, new_contract)
    change, _person = _person_on_roster(party, contract)
    manager = party.contractor_admin
    # Pledges for everyone the change adds, as the mini clauses ask, then the submission.
    from tests.contracts.conftest import upload_pledges

    upload_pledges(party, change)
    roster_services.roster_change_act(
        actor=manager.user, actor_membership=manager, change=change, action="submit"
    )
    change.refresh_from_db()
    state = change.approval_state
    client.force_login(party.client_admin.user)
    response = client.post(
        reverse("contracts:roster_change_act", args=[change.pk]),
        {"action": "return", "reason": HUGE},
        follow=True,
    )
    assert response.status_code == 200
    assert "error" in [m.level_tag for m in response.context["messages"]]
    change.refresh_from_db()
    assert change.approval_state == state
    with pytest.raises(ValidationError):
        roster_services.roster_change_act(
            actor=party.client_admin.user,
            actor_membership=party.client_admin,
            change=change,
            action="return",
            reason=HUGE,
        )
    assert ApprovalState(change.approval_state) == ApprovalState(state)


def test_work_site_notes_are_bounded_in_the_form_and_the_model():
    from contracts.forms.worksites import WorksiteForm
    from contracts.models import Person, WorksiteEntry

    form = WorksiteForm(
        data={
            "kind": "contractor_office",
            "name": "本社",
            "address": "東京都",
            "notes": "x" * (validators.NOTE + 1),
        },
        people_queryset=Person.objects.none(),
    )
    assert not form.is_valid() and "notes" in form.errors
    entry = WorksiteEntry(notes="x" * (validators.NOTE + 1), rooms="y" * (validators.SHORT_NOTE + 1))
    with pytest.raises(ValidationError) as exc:
        entry.full_clean()
    assert {"notes", "rooms"} <= set(exc.value.error_dict)


# --- ids from requests ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "²", "1.5", "9" * 40, ""])
def test_membership_switch_ignores_malformed_ids(client, party, value):
    client.force_login(party.client_staff.user)
    response = client.post(reverse("core:membership_switch"), {"membership": value, "next": "/"})
    assert response.status_code == 302
    assert not Event.objects.filter(kind="membership.switched").exists()


@pytest.mark.parametrize("value", ["abc", "²", "9" * 40])
def test_marking_a_malformed_notification_read_is_a_400_and_marks_nothing(client, party, value):
    user = party.client_staff.user
    notification_create(user=user, title="お知らせ")
    client.force_login(user)
    response = client.post(reverse("core:notification_read"), {"id": value})
    assert response.status_code == 400
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 1


# --- what the log keeps of a failed log-in --------------------------------------------------------


@pytest.mark.parametrize("typed", ["p" * 2_000_000, "someone\x00@example.jp", "my-password-typed-here"])
def test_a_failed_login_keeps_only_a_keyed_hash_of_an_unknown_login(client, db, typed):
    response = client.post(reverse("core:login"), {"username": typed, "password": "whatever-123456"})
    assert response.status_code == 200
    event = Event.objects.filter(kind="auth.login_failed").latest("id")
    assert set(event.data) == {"login_hash"}
    assert len(event.data["login_hash"]) == 40 and typed[:10] not in str(event.data)


def test_a_failed_login_of_a_known_account_names_the_account(client, party):
    email = party.client_staff.user.email
    client.post(reverse("core:login"), {"username": f"  {email.upper()} ", "password": "whatever-123456"})
    event = Event.objects.filter(kind="auth.login_failed").latest("id")
    assert event.data == {"login": email}


# --- caching and views of personal data -----------------------------------------------------------


def test_answers_to_signed_in_people_are_never_stored(client, party, new_contract):
    contract = _activated(party, new_contract)
    anonymous = client.get(reverse("core:password_reset_done"))
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    client.force_login(party.client_admin.user)
    for url in (
        reverse("core:profile"),
        reverse("core:audit_log"),
        reverse("contracts:roster", args=[contract.pk]),
        reverse("contracts:roster_xlsx_export", args=[contract.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response.headers["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, url


def test_editing_a_roster_entry_records_a_view_of_the_person(client, party, new_contract):
    contract = _activated(party, new_contract)
    manager = party.contractor_admin
    first, person = _person_on_roster(party, contract)
    from tests.contracts.conftest import upload_pledges

    upload_pledges(party, first)
    roster_services.roster_change_act(
        actor=manager.user, actor_membership=manager, change=first, action="submit"
    )
    if first.needs_approval:
        admin = party.client_admin
        roster_services.roster_change_act(
            actor=admin.user, actor_membership=admin, change=first, action="approve"
        )
    change = roster_services.roster_change_open(
        actor=manager.user, actor_membership=manager, contract=contract
    )
    client.force_login(manager.user)
    response = client.get(reverse("contracts:roster_entry_change", args=[change.pk, person.pk]))
    assert response.status_code == 200
    viewed = Event.objects.filter(kind="person.viewed", object_id=str(person.pk), actor=manager.user)
    assert viewed.count() == 1


def test_no_date_in_a_form_reaches_date_arithmetic_unbounded():
    # The bound leaves room for a year of arithmetic either party (deadlines, "until + 1 day").
    assert validators.DATE_MAX + timedelta(days=366) < date.max
    assert validators.DATE_MIN - timedelta(days=366) > date.min


@pytest.mark.parametrize(
    "target", ["名前", "名前\x00", "home", "//evil.example/", "https://evil.example/", "/ok\r\n"]
)
def test_a_posted_next_that_is_not_a_path_here_goes_to_the_default(client, party, target):
    user = party.client_staff.user
    notification_create(user=user, title="お知らせ")
    client.force_login(user)
    response = client.post(reverse("core:membership_switch"), {"membership": "", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.post(reverse("core:notification_read"), {"next": target})
    assert response.status_code == 302 and response.headers["Location"] == reverse("core:notification_list")


@pytest.mark.parametrize("value", [str(10**25), str(2**63), "²", "abc"])
def test_a_choice_of_people_refuses_ids_past_a_database_integer(party, value):
    from core.models import Organisation

    field = validators.IdsChoiceField(queryset=Organisation.objects.all())
    with pytest.raises(ValidationError) as exc:
        field.clean([value])
    assert exc.value.code == "invalid_pk_value"
    assert list(field.clean([str(party.body.pk)])) == [party.body]
