"""Training (教育・研修): plan, sessions and attendance, untrained flags, report of results, PDFs."""

import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext, override

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from compliance.services.duties import duty_request
from contracts.models import Attendance, Person, PersonRole, RosterEntry, TrainingPlan, TrainingSession
from contracts.pdf.training import PLAN_FORM, REPORT_FORM
from contracts.selectors.training import untrained_entries
from contracts.services import training as services
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core import pdf
from core.models import Event
from core.wareki import format_wareki
from tests.contracts.conftest import END, MINIMAL_PDF, START, TODAY, _contract, upload_pledges

WORK_START = START + timedelta(days=10)


def _ja(message: str) -> str:
    """The message as a Japanese user reads it (the msgid until its translation is compiled)."""
    with override("ja"):
        return gettext(message)


def _under(side, pattern: str, number: str):
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob(pattern)))
    return _contract(side, template, number)


def _roster(side, contract, names, *, start=WORK_START):
    """Put people on the roster, in force from today (notified, or approved by the public body)."""
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    people = [
        roster_person_add(
            actor=manager.user,
            actor_membership=manager,
            change=change,
            full_name=name,
            start_date=start,
            # What some clauses want on every roster entry (001 §7: affiliation and period).
            affiliation="運用部",
            planned_end_date=contract.end_date,
        ).person
        for name in names
    ]
    upload_pledges(side, change)
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action="submit")
    change.refresh_from_db()
    if change.needs_approval:
        staff = side.client_staff
        roster_change_act(actor=staff.user, actor_membership=staff, change=change, action="approve")
    return people


def _session(side, contract, people, **kw):
    manager = side.contractor_admin
    values = {"held_on": TODAY, "topic": "特記事項の説明", "given_by": "情報 責任者"}
    values.update(kw)
    return services.training_session_record(
        actor=manager.user, actor_membership=manager, contract=contract, attendees=people, **values
    )


def _pdf_text(data: bytes, tmp_path, name="out.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


def _plan_post(**kw):
    data = {
        "period_start": START.isoformat(),
        "period_end": END.isoformat(),
        "content": "特記事項・社内規程・罰則規定の周知",
        "planned_sessions": "着手前に1回、以後半年ごと",
    }
    data.update(kw)
    return data


# --- the plan -----------------------------------------------------------------------------------


def test_plan_is_returned_resubmitted_and_approved_and_fulfils_the_plan_duty(client, side, tmp_path):
    """004 §3.4: the plan is made soon after signing and approved by the public body."""
    contract = _under(side, "004-*.yaml", "R7-TRAIN-004")
    duty = Duty.objects.get(contract=contract, obligation__key="3.4-training-plan")
    assert duty.state == Duty.State.OPEN

    client.force_login(side.contractor_admin.user)
    create = reverse("contracts:training_plan_create", args=[contract.pk])
    response = client.post(create, _plan_post(period_start=(START - timedelta(days=1)).isoformat()))
    assert response.status_code == 200
    assert response.context["form"].errors["period_start"] == [
        _ja("The period must be within the contract period.")
    ]
    response = client.post(create, _plan_post(period_end=(START - timedelta(days=1)).isoformat()))
    assert response.context["form"].errors["period_end"]
    assert not TrainingPlan.objects.exists()
    response = client.post(create, _plan_post())
    plan = TrainingPlan.objects.get(contract=contract)
    assert response.url == reverse("contracts:training_plan", args=[plan.pk])
    assert plan.number == 1 and plan.approval_state == "draft"
    # Only one plan in progress at a time.
    again = client.post(create, _plan_post())
    assert (
        _ja("A training plan is already in progress: finish or withdraw it first.") in again.content.decode()
    )

    act = reverse("contracts:training_plan_act", args=[plan.pk])
    client.post(act, {"action": "submit"})
    plan.refresh_from_db()
    assert plan.approval_state == "submitted" and plan.submitted_pdf is not None
    first_pdf = plan.submitted_pdf
    # The submitter cannot decide (404), and a submitted plan is not edited.
    assert client.post(act, {"action": "approve"}).status_code == 404
    assert client.get(reverse("contracts:training_plan_edit", args=[plan.pk])).status_code == 302

    client.force_login(side.client_staff.user)
    page = client.get(reverse("contracts:training_plan", args=[plan.pk])).content.decode()
    assert "特記事項・社内規程・罰則規定の周知" in page
    client.post(act, {"action": "return", "reason": ""})
    plan.refresh_from_db()
    assert plan.approval_state == "submitted"  # no reason: refused
    client.post(act, {"action": "return", "reason": "実施時期を具体的に書いてください"})
    plan.refresh_from_db()
    assert plan.approval_state == "returned"

    client.force_login(side.contractor_admin.user)
    assert (
        "実施時期を具体的に書いてください"
        in client.get(reverse("contracts:training_plan", args=[plan.pk])).content.decode()
    )
    response = client.post(
        reverse("contracts:training_plan_edit", args=[plan.pk]),
        _plan_post(planned_sessions="着手前（第1週）に1回"),
    )
    assert response.status_code == 302
    client.post(act, {"action": "submit"})
    plan.refresh_from_db()
    assert plan.submitted_pdf_id != first_pdf.pk  # the corrected plan is frozen again

    client.force_login(side.client_admin.user)
    client.post(act, {"action": "approve"})
    plan.refresh_from_db()
    duty.refresh_from_db()
    assert plan.approval_state == "approved"
    assert Event.objects.filter(kind="training_plan.approved", object_id=str(plan.pk)).exists()
    bridge = Event.objects.get(kind="training.plan_approved", contract_id=contract.pk)
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event == bridge

    # The approved plan is the one submitted, frozen; every download is on the record.
    response = client.get(reverse("contracts:training_plan_pdf", args=[plan.pk]))
    text = _pdf_text(b"".join(response), tmp_path)
    assert "教育実施計画書" in text and "着手前（第1週）に1回" in text and contract.number in text
    assert side.body.name in text and "委託者" in text and "受託者" in text and "令和" in text
    assert Event.objects.filter(kind="file.downloaded", object_id=str(plan.submitted_pdf_id)).exists()
    # A revision is a new plan; the approved one stays.
    client.force_login(side.contractor_admin.user)
    client.post(create, _plan_post(content="改訂版"))
    assert list(TrainingPlan.objects.order_by("number").values_list("approval_state", flat=True)) == [
        "approved",
        "draft",
    ]


def test_plan_form_is_prefilled_for_the_duty_blank_or_from_the_latest_plan(side, tmp_path):
    contract = _under(side, "004-*.yaml", "R7-TRAIN-PDF")
    duty = Duty.objects.get(contract=contract, obligation__key="3.4-training-plan")
    blank = _pdf_text(pdf.render_form_for(PLAN_FORM, duty), tmp_path)
    assert "教育実施計画書" in blank and contract.number in blank and "計画期間" in blank
    manager = side.contractor_admin
    services.training_plan_create(
        actor=manager.user,
        actor_membership=manager,
        contract=contract,
        period_start=START,
        period_end=END,
        content="取扱者全員への情報セキュリティ教育",
    )
    filled = _pdf_text(pdf.render_form_for(PLAN_FORM, duty), tmp_path)
    assert "取扱者全員への情報セキュリティ教育" in filled and format_wareki(END) in filled


# --- sessions and attendance --------------------------------------------------------------------


def test_session_with_attendance_and_the_untrained_flag(client, side, approval_contract):
    trained, also, missed = _roster(side, approval_contract, ["研修 一郎", "研修 二郎", "未受講 三郎"])
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:training_session_create", args=[approval_contract.pk])
    form_page = client.get(url)
    assert [e.person_id for e in form_page.context["roster"]] == [trained.pk, also.pk, missed.pk]
    response = client.post(
        url,
        {
            "held_on": TODAY.isoformat(),
            "topic": "秘密情報の取扱い",
            "content": "特記事項の説明",
            "given_by": "管理 責任者",
            "attendees": [trained.pk, also.pk],
            "materials": SimpleUploadedFile("資料.pdf", MINIMAL_PDF, content_type="application/pdf"),
        },
    )
    session = TrainingSession.objects.get(contract=approval_contract)
    assert response.url == reverse("contracts:training_session", args=[session.pk])
    assert set(session.attendances.values_list("person_id", flat=True)) == {trained.pk, also.pk}
    assert session.materials.purpose == "training"
    assert session.materials.data_key_id == approval_contract.data_key_id
    assert Event.objects.filter(kind="training.session_recorded", object_id=str(session.pk)).exists()
    # The instructor's name is stored encrypted under the contract's key.
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_by FROM contracts_trainingsession WHERE id = %s", [session.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc1:") and "管理" not in raw

    client.force_login(side.auditor.user)
    page = client.get(reverse("contracts:training", args=[approval_contract.pk]))
    assert [e.person_id for e in page.context["untrained"]] == [missed.pk]
    text = page.content.decode()
    assert "未受講 三郎" in text and "秘密情報の取扱い" in text
    detail = client.get(reverse("contracts:training_session", args=[session.pk])).content.decode()
    assert "研修 一郎" in detail and "研修 二郎" in detail and "未受講 三郎" not in detail
    assert Event.objects.filter(kind="training.viewed", actor=side.auditor.user).count() == 2
    material = client.get(reverse("contracts:training_material", args=[session.pk]))
    assert b"".join(material) == MINIMAL_PDF
    assert Event.objects.filter(kind="file.downloaded", actor=side.auditor.user).exists()

    # The missing person attends a second session; nobody is flagged any more.
    client.force_login(side.contractor_admin.user)
    second = _session(side, approval_contract, [missed], topic="補講")
    assert not list(untrained_entries(approval_contract, start=START, end=END))
    # Attendance is corrected on its own page.
    response = client.post(
        reverse("contracts:training_session_attendance", args=[second.pk]),
        {"attendees": [missed.pk, trained.pk]},
    )
    assert response.status_code == 302
    assert set(second.attendances.values_list("person_id", flat=True)) == {missed.pk, trained.pk}
    assert Event.objects.filter(kind="training.attendance_changed", object_id=str(second.pk)).exists()


def test_session_validation_speaks_at_the_field(client, side, approval_contract):
    (person,) = _roster(side, approval_contract, ["名簿 花子"])
    client.force_login(side.contractor_admin.user)
    url = reverse("contracts:training_session_create", args=[approval_contract.pk])

    def post(**kw):
        data = {"held_on": TODAY.isoformat(), "topic": "研修", "attendees": [person.pk]}
        data.update(kw)
        return client.post(url, data)

    errors = post(held_on=(START - timedelta(days=1)).isoformat()).context["form"].errors
    assert errors["held_on"] == [_ja("The day must be within the contract period.")]
    errors = post(held_on=(TODAY + timedelta(days=1)).isoformat()).context["form"].errors
    assert errors["held_on"] == [_ja("Record sessions that were held: the day cannot be in the future.")]
    # The roster took effect today: yesterday nobody was on it.
    response = post(held_on=(TODAY - timedelta(days=1)).isoformat())
    assert response.context["form"].errors["attendees"] == [
        _ja("Not on the roster on that day: %(names)s.") % {"names": "名簿 花子"}
    ]
    assert response.context["roster"] == []
    bad_file = SimpleUploadedFile("資料.pdf", b"<html>no</html>", content_type="application/pdf")
    errors = post(materials=bad_file).context["form"].errors
    assert "materials" in errors
    assert not TrainingSession.objects.exists()
    # "Show the roster of this day" saves nothing and keeps what was typed.
    shown = post(held_on=(TODAY - timedelta(days=1)).isoformat(), show_roster="1", topic="下書き")
    assert shown.status_code == 200 and shown.context["roster"] == []
    assert shown.context["form"]["topic"].value() == "下書き"
    assert not TrainingSession.objects.exists()
    # A person of another contract is refused by the service too.
    other = Person.objects.create(
        contract=_under(side, "004-*.yaml", "R7-OTHER"),
        data_key_id=approval_contract.data_key_id,
        full_name="他契約 太郎",
        employer=side.contractor,
    )
    manager = side.contractor_admin
    with pytest.raises(ValidationError) as exc:
        services.training_session_record(
            actor=manager.user,
            actor_membership=manager,
            contract=approval_contract,
            held_on=TODAY,
            topic="研修",
            attendees=[other],
        )
    assert "attendees" in exc.value.error_dict


def test_only_the_contractors_manager_records_and_only_the_public_body_decides(
    client, side, approval_contract
):
    manager, staff, auditor = side.contractor_admin, side.client_staff, side.auditor
    for member in (side.contractor_staff, staff, auditor):
        with pytest.raises(PermissionDenied):
            services.training_session_record(
                actor=member.user,
                actor_membership=member,
                contract=approval_contract,
                held_on=TODAY,
                topic="x",
            )
        client.force_login(member.user)
        assert (
            client.get(reverse("contracts:training_session_create", args=[approval_contract.pk])).status_code
            == 404
        )
        assert client.get(reverse("contracts:training", args=[approval_contract.pk])).status_code == 200
    plan = services.training_plan_create(
        actor=manager.user,
        actor_membership=manager,
        contract=approval_contract,
        period_start=START,
        period_end=END,
        content="教育",
    )
    services.training_plan_act(actor=manager.user, actor_membership=manager, plan=plan, action="submit")
    for member in (manager, auditor, side.contractor_staff):
        with pytest.raises(PermissionDenied):
            services.training_plan_act(
                actor=member.user, actor_membership=member, plan=plan, action="approve"
            )
    with pytest.raises(PermissionDenied):
        services.training_plan_act(actor=staff.user, actor_membership=staff, plan=plan, action="withdraw")
    services.training_plan_act(actor=staff.user, actor_membership=staff, plan=plan, action="approve")


def test_client_session_attendance_fulfils_the_requested_duty(side):
    """001 §10: when the public body holds training, the contractor's people attend it."""
    contract = _under(side, "001-*.yaml", "R7-TRAIN-001")
    (person,) = _roster(side, contract, ["受講 花子"])
    admin = side.client_admin
    duty_request(
        actor=admin.user, actor_membership=admin, contract=contract, obligation_key="10-client-training"
    )
    duty = Duty.objects.get(contract=contract, obligation__key="10-client-training")
    assert duty.state == Duty.State.OPEN
    _session(side, contract, [], topic="区の研修", is_client_session=True)  # nobody yet: not met
    duty.refresh_from_db()
    assert duty.state == Duty.State.OPEN
    session = TrainingSession.objects.get(contract=contract)
    manager = side.contractor_admin
    services.training_attendance_set(
        actor=manager.user, actor_membership=manager, session=session, attendees=[person]
    )
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED
    assert duty.evidence_event.kind == "training.attended_client_session"


# --- the report of results ----------------------------------------------------------------------


def test_report_fulfils_the_periodic_training_duty_once_and_prints(client, side, approval_contract, tmp_path):
    """002 §6: training held regularly and reported to the city (every 12 months)."""
    duty = Duty.objects.get(contract=approval_contract, obligation__key="6-training", cycle=1)
    trained, missed = _roster(side, approval_contract, ["報告 一郎", "未受講 二郎"])
    client.force_login(side.contractor_admin.user)
    response = client.post(
        reverse("contracts:training_report_create", args=[approval_contract.pk]),
        {"period_start": START.isoformat(), "period_end": TODAY.isoformat(), "summary": "全員に実施予定"},
    )
    report = approval_contract.training_reports.get()
    assert response.url == reverse("contracts:training_report", args=[report.pk])
    act = reverse("contracts:training_report_act", args=[report.pk])
    refused = client.post(act, {"action": "submit"}, follow=True)
    assert _ja("No session was held in this period: record the sessions first.") in refused.content.decode()
    report.refresh_from_db()
    assert report.approval_state == "draft"

    _session(side, approval_contract, [trained], topic="年次研修")
    client.post(act, {"action": "submit"})
    report.refresh_from_db()
    duty.refresh_from_db()
    assert report.approval_state == "submitted" and report.reported_at and report.submitted_pdf
    reported = Event.objects.get(kind="training.reported", contract_id=approval_contract.pk)
    assert reported.data["sessions"] == 1 and reported.data["untrained"] == 1
    assert "未受講" not in str(reported.data)  # no names in the trail
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event == reported and duty.on_time
    # The next yearly cycle would fall after this contract's end: none is opened.
    assert not Duty.objects.filter(contract=approval_contract, obligation__key="6-training", cycle=2).exists()

    # The frozen report: names, dates in 和暦, the template's party words, the body and number.
    text = _pdf_text(
        b"".join(client.get(reverse("contracts:training_report_pdf", args=[report.pk]))), tmp_path
    )
    assert "教育実施報告書" in text and "年次研修" in text and "報告 一郎" in text
    assert "未受講 二郎" in text  # listed among those without training
    assert format_wareki(TODAY) in text and "発注者" in text and "受注者" in text
    assert side.body.name in text and approval_contract.number in text

    # Sessions of a reported period are on record: no new session, no attendance change in it.
    manager = side.contractor_admin
    with pytest.raises(ValidationError) as exc:
        _session(side, approval_contract, [missed], topic="追加")
    assert exc.value.error_dict["held_on"][0].message == _ja(
        "A training report covering this day was already submitted: its sessions cannot be changed."
    )
    session = TrainingSession.objects.get(contract=approval_contract)
    with pytest.raises(ValidationError):
        services.training_attendance_set(
            actor=manager.user, actor_membership=manager, session=session, attendees=[trained, missed]
        )

    # Returned for correction and submitted again: the same report, not the next period's.
    client.force_login(side.client_staff.user)
    client.post(act, {"action": "return", "reason": "未受講者への対応を記載してください"})
    client.force_login(manager.user)
    client.post(
        reverse("contracts:training_report_edit", args=[report.pk]),
        {
            "period_start": START.isoformat(),
            "period_end": TODAY.isoformat(),
            "summary": "未受講者は来週の補講で受講させる",
        },
    )
    client.post(act, {"action": "submit"})
    report.refresh_from_db()
    assert report.approval_state == "submitted"
    assert Event.objects.filter(kind="training.reported", contract_id=approval_contract.pk).count() == 1
    assert Event.objects.filter(kind="training_report.submitted", object_id=str(report.pk)).count() == 2
    client.force_login(side.client_staff.user)
    client.post(act, {"action": "approve"})
    report.refresh_from_db()
    assert report.approval_state == "approved"
    page = client.get(reverse("contracts:training_report", args=[report.pk])).content.decode()
    assert "未受講 二郎" in page and "未受講者は来週の補講で受講させる" in page


def test_report_form_is_prefilled_for_the_duty(side, approval_contract, tmp_path):
    duty = Duty.objects.get(contract=approval_contract, obligation__key="6-training", cycle=1)
    (person,) = _roster(side, approval_contract, ["下書 一郎"])
    _session(side, approval_contract, [person], topic="着手前研修")
    text = _pdf_text(pdf.render_form_for(REPORT_FORM, duty), tmp_path)
    assert "教育実施報告書" in text and "着手前研修" in text and "下書 一郎" in text


def test_report_fulfils_the_nerima_result_report(side):
    """001 §9: the results of the training are submitted in writing."""
    contract = _under(side, "001-*.yaml", "R7-TRAIN-001R")
    duty = Duty.objects.get(contract=contract, obligation__key="9-training-report")
    (person,) = _roster(side, contract, ["練馬 一郎"])
    _session(side, contract, [person])
    manager = side.contractor_admin
    edit = {"actor": manager.user, "actor_membership": manager}
    report = services.training_report_create(contract=contract, period_start=START, period_end=TODAY, **edit)
    services.training_report_act(report=report, action="submit", **edit)
    duty.refresh_from_db()
    assert duty.state == Duty.State.FULFILLED and duty.evidence_event.kind == "training.reported"


# --- query counts -------------------------------------------------------------------------------


def _bulk_roster(side, contract, people: int) -> list[Person]:
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=contract)
    persons = [
        Person(
            contract=contract,
            data_key_id=contract.data_key_id,
            full_name=f"職員 {i:03d}",
            employer=side.contractor,
        )
        for i in range(people)
    ]
    for p in persons:  # save(): the names are encrypted per row
        p.save()
    RosterEntry.objects.bulk_create(
        [
            RosterEntry(change=change, person=p, action="add", role=PersonRole.WORKER, start_date=WORK_START)
            for p in persons
        ]
    )
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action="submit")
    staff = side.client_staff
    roster_change_act(actor=staff.user, actor_membership=staff, change=change, action="approve")
    return persons


@pytest.mark.parametrize("people", [5, 200])
def test_untrained_flag_is_one_query_at_5_and_200_people(
    client, side, approval_contract, django_assert_num_queries, people
):
    persons = _bulk_roster(side, approval_contract, people)
    session = _session(side, approval_contract, [], topic="研修")
    Attendance.objects.bulk_create([Attendance(session=session, person=p) for p in persons[::2]])
    with django_assert_num_queries(1):
        untrained = list(untrained_entries(approval_contract, start=START, end=END))
    assert len(untrained) == people // 2
    assert untrained[0].person.full_name == "職員 001"  # names come with the same query

    client.force_login(side.auditor.user)
    client.get(reverse("contracts:training", args=[approval_contract.pk]))
    # session, user, membership, contract, plans, sessions (count, page), untrained, reports,
    # the view's audit event (4, 5 with PostgreSQL's chain lock), unread bell, session refresh (3):
    # the same at 5 or 200 people.
    with django_assert_num_queries(18 if connection.vendor == "postgresql" else 17):
        response = client.get(reverse("contracts:training", args=[approval_contract.pk]))
    assert len(response.context["untrained"]) == people // 2


@pytest.mark.parametrize("people", [5, 200])
def test_report_page_query_count_at_5_and_200_people(
    side, client, approval_contract, django_assert_num_queries, people
):
    persons = _bulk_roster(side, approval_contract, people)
    session = _session(side, approval_contract, [], topic="研修")
    Attendance.objects.bulk_create([Attendance(session=session, person=p) for p in persons])
    manager = side.contractor_admin
    report = services.training_report_create(
        actor=manager.user,
        actor_membership=manager,
        contract=approval_contract,
        period_start=START,
        period_end=END,
    )
    # A draft is the contractor's until it is submitted (the public body gets 404): its manager reads it.
    client.force_login(manager.user)
    client.get(reverse("contracts:training_report", args=[report.pk]))
    # session, user, membership, report, contract, sessions, their attendances with people,
    # untrained, the audit event (4, 5 with PostgreSQL), unread bell, session refresh (3).
    with django_assert_num_queries(17 if connection.vendor == "postgresql" else 16):
        response = client.get(reverse("contracts:training_report", args=[report.pk]))
    assert len(response.context["sessions"][0].attendances.all()) == people
    assert response.context["untrained"] == []


def test_an_empty_roster_is_no_people_yet_not_everyone_trained(client, side, approval_contract):
    # Nobody on the roster: "everyone attended" would be true of no one, so it is not shown in green.
    client.force_login(side.auditor.user)
    page = client.get(reverse("contracts:training", args=[approval_contract.pk]))
    text = page.content.decode()
    assert page.context["no_people"] is True
    assert "名簿にまだ人がいません。" in text
    assert "全員が受講しています" not in text and "status-ok" not in text

    # Once people are on it and all attended, the success is shown.
    from contracts.selectors.training import roster_training

    people = _roster(side, approval_contract, ["研修 一郎", "研修 二郎"])
    _session(side, approval_contract, people, topic="研修")
    coverage = roster_training(approval_contract, start=START, end=END)
    assert (coverage.on_roster, coverage.untrained, coverage.everyone_trained) == (2, [], True)
    text = client.get(reverse("contracts:training", args=[approval_contract.pk])).content.decode()
    assert "名簿にまだ人がいません" not in text
    assert '<span class="status-ok">この期間の名簿の全員が受講しています。</span>' in text


@pytest.mark.parametrize("people", [5, 200])
def test_roster_training_is_one_query_and_agrees_with_untrained_entries(
    side, approval_contract, django_assert_num_queries, people
):
    from contracts.selectors.training import roster_training

    persons = _bulk_roster(side, approval_contract, people)
    session = _session(side, approval_contract, [], topic="研修")
    Attendance.objects.bulk_create([Attendance(session=session, person=p) for p in persons[::2]])
    with django_assert_num_queries(1):
        coverage = roster_training(approval_contract, start=START, end=END)
        names = [e.person.full_name for e in coverage.untrained]  # names come with the same query
    assert coverage.on_roster == people and not coverage.no_people
    assert [e.pk for e in coverage.untrained] == [
        e.pk for e in untrained_entries(approval_contract, start=START, end=END)
    ]
    assert len(names) == people // 2
