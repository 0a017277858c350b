"""What a clause asks of every person is one duty per person, met only by evidence for that person
(issue: duty fidelity): training and awareness (000 §11, 001 §9, 003 §4.2 and §19), the photo ID
each person carries (003 §16), and the pledges the public body asks for (002 §7.3)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext, override

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.forms import RequestForm
from compliance.models import Duty
from compliance.services.duties import duty_attest, duty_request
from contracts.services import training as training_services
from contracts.services.pledges import pledge_upload
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.business_days import calendar_for
from core.models import Event
from tests.contracts.conftest import END, MINIMAL_PDF, TODAY, _contract, upload_pledges

# The people start after today, each on their own day, so that a session held today is in time.
FIRST, SECOND = TODAY + timedelta(days=14), TODAY + timedelta(days=28)


def _under(side, pattern: str, number: str):
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob(pattern)))
    return _contract(side, template, number)


def _roster(side, contract, people, *, pledges: bool = True):
    """People on the roster (name, start), in force from today, approved where the clauses ask."""
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    added = [
        roster_person_add(
            actor=manager.user,
            actor_membership=manager,
            change=change,
            full_name=name,
            start_date=start,
            # What some clauses want on every roster entry (001 §7: affiliation and period).
            affiliation="運用部",
            planned_end_date=END,
        ).person
        for name, start in people
    ]
    if pledges:
        upload_pledges(side, change)
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action="submit")
    change.refresh_from_db()
    if change.needs_approval:
        staff = side.client_staff
        roster_change_act(actor=staff.user, actor_membership=staff, change=change, action="approve")
    return added


def _session(side, contract, attendees):
    manager = side.contractor_admin
    return training_services.training_session_record(
        actor=manager.user,
        actor_membership=manager,
        contract=contract,
        held_on=TODAY,
        topic="特記事項と罰則規定の説明",
        attendees=attendees,
    )


def _duties(contract, key: str) -> dict[str, Duty]:
    return {d.subject: d for d in Duty.objects.filter(contract=contract, obligation__key=key)}


def _subject(person) -> str:
    return f"contracts.person:{person.pk}"


def _ja(message: str) -> str:
    with override("ja"):
        return gettext(message)


@pytest.mark.parametrize("key", ["19-training", "4.2-penalty-awareness"])
def test_each_person_is_trained_by_their_own_start_and_only_their_attendance_counts(side, key):
    contract = _under(side, "003-*.yaml", f"R7-PP-{key[:2]}")
    a, b = _roster(side, contract, [("研修 一郎", FIRST), ("未受講 花子", SECOND)])
    duties = _duties(contract, key)
    # One duty per person, none for the contract as a whole.
    assert set(duties) == {_subject(a), _subject(b)}
    cal = calendar_for(contract.public_body)
    assert duties[_subject(a)].due_date == cal.add_business_days(FIRST, -1)  # 従事させる前
    assert duties[_subject(b)].due_date == cal.add_business_days(SECOND, -1)

    _session(side, contract, [a])
    duties = _duties(contract, key)
    met = duties[_subject(a)]
    assert met.state == Duty.State.FULFILLED and met.on_time is True
    assert met.evidence_event.kind == "training.session_recorded"
    # The session names the people who attended (references only), and not the one who did not.
    assert met.evidence_event.data["subjects"] == [_subject(a)]
    assert duties[_subject(b)].state == Duty.State.OPEN


def test_a_session_for_someone_else_does_not_meet_a_persons_training(side):
    contract = _under(side, "003-*.yaml", "R7-PP-OTHER")
    a, b, c = _roster(side, contract, [("甲 一郎", FIRST), ("乙 花子", FIRST), ("丙 次郎", SECOND)])
    _session(side, contract, [a, c])
    duties = _duties(contract, "19-training")
    assert duties[_subject(b)].state == Duty.State.OPEN
    assert {duties[_subject(a)].state, duties[_subject(c)].state} == {Duty.State.FULFILLED}
    # Added to the session afterwards, the person's training is met by that correction.
    session = _session(side, contract, [])
    manager = side.contractor_admin
    training_services.training_attendance_set(
        actor=manager.user, actor_membership=manager, session=session, attendees=[b]
    )
    b_duty = _duties(contract, "19-training")[_subject(b)]
    assert b_duty.state == Duty.State.FULFILLED
    assert b_duty.evidence_event.kind == "training.attendance_changed"


def test_a_training_report_does_not_meet_a_persons_training_but_the_report_duty_stays(side):
    """001 §9: each person is made aware and trained; the results report stays one for the contract."""
    contract = _under(side, "001-*.yaml", "R7-PP-001")
    trained, untrained = _roster(side, contract, [("受講 一郎", FIRST), ("欠席 花子", FIRST)])
    for key in ("9-awareness", "9-training"):
        assert set(_duties(contract, key)) == {_subject(trained), _subject(untrained)}
    assert set(_duties(contract, "9-training-report")) == {""}
    _session(side, contract, [trained])
    manager = side.contractor_admin
    report = training_services.training_report_create(
        actor=manager.user,
        actor_membership=manager,
        contract=contract,
        period_start=contract.start_date,
        period_end=TODAY,
    )
    training_services.training_report_act(
        actor=manager.user, actor_membership=manager, report=report, action="submit"
    )
    assert _duties(contract, "9-training-report")[""].state == Duty.State.FULFILLED
    for key in ("9-awareness", "9-training"):
        duties = _duties(contract, key)
        assert duties[_subject(trained)].state == Duty.State.FULFILLED
        assert duties[_subject(untrained)].state == Duty.State.OPEN, key


def test_000_training_is_due_on_each_persons_first_day(side):
    contract = _under(side, "000-*.yaml", "R7-PP-000")
    a, b = _roster(side, contract, [("初日 一郎", FIRST), ("後日 花子", SECOND)])
    duties = _duties(contract, "11-training")
    assert duties[_subject(a)].due_date == FIRST
    assert duties[_subject(b)].due_date == SECOND


def test_002_each_person_is_trained_within_the_contract_and_the_report_stays_one(side):
    """002 §6: 定期的 with no interval — each person at least once by the end; one report."""
    contract = _under(side, "002-*.yaml", "R7-PP-002")
    a, b = _roster(side, contract, [("所沢 一郎", FIRST), ("所沢 花子", SECOND)], pledges=False)
    duties = _duties(contract, "6-training-each-person")
    assert set(duties) == {_subject(a), _subject(b)}
    assert {d.due_date for d in duties.values()} == {contract.end_date}
    assert set(_duties(contract, "6-training")) == {""}
    _session(side, contract, [b])
    duties = _duties(contract, "6-training-each-person")
    assert duties[_subject(b)].state == Duty.State.FULFILLED
    assert duties[_subject(a)].state == Duty.State.OPEN
    assert _duties(contract, "6-training")[""].state == Duty.State.OPEN  # a session is no report


def test_each_person_carries_their_own_photo_id_by_their_first_day(side):
    """003 §16: attested person by person; one person's attestation leaves the other's open."""
    contract = _under(side, "003-*.yaml", "R7-PP-ID")
    a, b = _roster(side, contract, [("身分 一郎", FIRST), ("身分 花子", SECOND)])
    duties = _duties(contract, "16-identification")
    assert set(duties) == {_subject(a), _subject(b)}
    assert duties[_subject(b)].due_date == SECOND  # 業務を行うに当たり
    manager = side.contractor_admin
    duty_attest(actor=manager.user, actor_membership=manager, duty=duties[_subject(a)])
    duties = _duties(contract, "16-identification")
    assert duties[_subject(a)].state == Duty.State.FULFILLED
    assert duties[_subject(b)].state == Duty.State.OPEN


# --- pledges on request (002 §7.3) ----------------------------------------------------------------

PLEDGE = "7.3-pledge-on-request"


def _pledge(side, person):
    manager = side.contractor_admin
    return pledge_upload(
        actor=manager.user,
        actor_membership=manager,
        person=person,
        uploaded=SimpleUploadedFile("誓約書.pdf", MINIMAL_PDF, content_type="application/pdf"),
        signed_on=TODAY,
    )


def _request(side, contract, **kw):
    admin = side.client_admin
    duty_request(actor=admin.user, actor_membership=admin, contract=contract, obligation_key=PLEDGE, **kw)


def _tokorozawa(side, number: str, people):
    contract = _under(side, "002-*.yaml", number)
    return contract, _roster(side, contract, people, pledges=False)


def test_a_request_naming_two_people_opens_two_duties_each_met_by_that_persons_pledge(side):
    contract, (a, b, c) = _tokorozawa(
        side, "R7-PP-PL2", [("誓約 一郎", FIRST), ("誓約 花子", FIRST), ("対象外 次郎", FIRST)]
    )
    _request(side, contract, people=[a.pk, b.pk])
    duties = _duties(contract, PLEDGE)
    assert set(duties) == {_subject(a), _subject(b)}  # the one not named owes nothing
    request = Event.objects.get(contract_id=contract.pk, kind="duty.requested")
    assert request.data["subjects"] == sorted([_subject(a), _subject(b)])
    assert "誓約" not in str(request.data)  # references, never names

    _pledge(side, a)
    duties = _duties(contract, PLEDGE)
    assert duties[_subject(a)].state == Duty.State.FULFILLED
    assert duties[_subject(a)].evidence_event.kind == "pledge.uploaded"
    assert duties[_subject(b)].state == Duty.State.OPEN  # not closed by the first upload
    _pledge(side, c)  # someone not named: meets nobody's
    assert _duties(contract, PLEDGE)[_subject(b)].state == Duty.State.OPEN
    _pledge(side, b)
    assert _duties(contract, PLEDGE)[_subject(b)].state == Duty.State.FULFILLED


def test_a_request_of_everyone_opens_one_duty_per_person_on_the_roster(side):
    contract, people = _tokorozawa(
        side, "R7-PP-PLA", [("全員 一郎", FIRST), ("全員 花子", FIRST), ("全員 次郎", SECOND)]
    )
    _pledge(side, people[2])  # already on record: it meets that person's duty at once
    _request(side, contract, everyone=True)
    duties = _duties(contract, PLEDGE)
    assert set(duties) == {_subject(p) for p in people}
    assert duties[_subject(people[2])].state == Duty.State.FULFILLED
    assert [duties[_subject(p)].state for p in people[:2]] == [Duty.State.OPEN] * 2


def test_a_per_person_request_needs_people_on_the_roster(side):
    contract, _people = _tokorozawa(side, "R7-PP-PLN", [("名簿 一郎", FIRST)])
    with pytest.raises(ValidationError) as nobody:
        _request(side, contract)
    assert "people" in nobody.value.message_dict
    _other, (stranger,) = _tokorozawa(side, "R7-PP-PLX", [("他契約 花子", FIRST)])
    with pytest.raises(ValidationError) as elsewhere:
        _request(side, contract, people=[stranger.pk])
    assert "people" in elsewhere.value.message_dict
    assert not Duty.objects.filter(contract=contract, obligation__key=PLEDGE).exists()


def test_the_request_form_offers_the_roster_by_name_and_everyone(side):
    contract, (a, b) = _tokorozawa(side, "R7-PP-FORM", [("選択 一郎", FIRST), ("選択 花子", FIRST)])
    form = RequestForm(contract=contract)
    labels = dict(form.fields["people"].choices)
    assert labels[str(a.pk)] == "選択 一郎" and labels[str(b.pk)] == "選択 花子"
    assert "everyone" in labels

    with override("ja"):
        empty = RequestForm({"obligation": PLEDGE}, contract=contract)
        assert not empty.is_valid()
        assert empty.errors["people"] == [_ja("Choose the people this request concerns, or everyone.")]
    assert _ja("Choose the people this request concerns, or everyone.") != (
        "Choose the people this request concerns, or everyone."
    )
    chosen = RequestForm({"obligation": PLEDGE, "people": [str(b.pk)]}, contract=contract)
    assert chosen.is_valid(), chosen.errors
    assert chosen.cleaned_data["people"] == [b.pk] and chosen.cleaned_data["everyone"] is False


def test_the_approver_requests_pledges_of_chosen_people_on_the_contract_page(client, side):
    contract, (a, _b) = _tokorozawa(side, "R7-PP-VIEW", [("画面 一郎", FIRST), ("画面 花子", FIRST)])
    client.force_login(side.client_admin.user)
    page = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert "画面 一郎" in page and "画面 花子" in page
    url = reverse("compliance:duty_request", args=[contract.pk])
    refused = client.post(url, {"obligation": PLEDGE}, follow=True).content.decode()
    assert _ja("Choose the people this request concerns, or everyone.") in refused
    assert not _duties(contract, PLEDGE)
    client.post(url, {"obligation": PLEDGE, "people": [str(a.pk)]})
    assert set(_duties(contract, PLEDGE)) == {_subject(a)}
