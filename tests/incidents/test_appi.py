"""The public body's APPI judgement and the reports it sent: reportable at the threshold's edge,
the statutory duties opened in calendar days from the day it became aware (5 for the 速報 —
the template's upper bound of the guideline's 3–5 —, 30 or, for an unlawful purpose, 60 for the
確報), met by the reports sent and never the contractor's own; a revision moves the clock; the
incident's page with a judgement in a fixed number of queries; the draft report renders."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from compliance.models import Duty
from core.models import Event
from incidents.models import AppiJudgement, Incident
from incidents.services import appi as services
from tests.incidents.conftest import m, report

AWARE = date(2026, 12, 4)  # a Friday: a weekend falls inside the 5 days, a year-end in the 30


@pytest.fixture
def appi_contract(db, request):
    # The statutory template is adopted at activation: load it before the contract is made.
    clause_template_load(path=LIBRARY_DIR / "statutory-appi.yaml")
    return request.getfixturevalue("contract")


@pytest.fixture
def incident(appi_contract, side):
    return report(side.contractor_admin, appi_contract)


def _judge(side, incident, *, categories=(), persons=None, aware_on=AWARE):
    return services.appi_judge(
        incident=Incident.objects.select_related("contract").get(pk=incident.pk),
        categories=list(categories),
        persons_affected=persons,
        aware_on=aware_on,
        **m(side.client_staff),
    )


def _appi_duties(incident) -> dict:
    return {
        (d.obligation.key, d.cycle): d
        for d in Duty.objects.filter(subject=services.appi_subject(incident)).select_related("obligation")
    }


def test_at_the_threshold_a_breach_is_not_reportable_one_more_makes_it(side, incident):
    judged = _judge(side, incident, persons=100)
    assert (judged.reportable, judged.threshold, judged.categories) == (False, 100, [])
    assert _appi_duties(incident) == {}
    assert Event.objects.filter(kind="incident.appi_judged").count() == 1
    assert not Event.objects.filter(kind__in=["incident.appi_reportable", "incident.appi_unlawful_purpose"])
    judged = _judge(side, incident, persons=101)
    assert (judged.reportable, judged.categories) == (True, ["many_people"])
    duties = _appi_duties(incident)
    # Calendar days from the day of awareness, weekends and the 12/29–1/3 closure included.
    assert duties[("1-appi-preliminary-report", 1)].due_date == AWARE + timedelta(days=5) == date(2026, 12, 9)
    assert duties[("2-appi-final-report", 1)].due_date == date(2027, 1, 3)
    assert ("2-appi-final-report-unlawful", 1) not in duties


def test_a_sensitive_breach_is_reportable_whatever_the_number(side, incident):
    assert _judge(side, incident, categories=["sensitive"], persons=1).reportable
    assert set(_appi_duties(incident)) == {("1-appi-preliminary-report", 1), ("2-appi-final-report", 1)}


def test_an_unlawful_purpose_owes_the_final_report_in_60_days_only(side, incident):
    _judge(side, incident, categories=["unlawful_purpose"], persons=3)
    duties = _appi_duties(incident)
    assert set(duties) == {("1-appi-preliminary-report", 1), ("2-appi-final-report-unlawful", 1)}
    assert duties[("2-appi-final-report-unlawful", 1)].due_date == date(2027, 2, 2)
    assert Event.objects.get(kind="incident.appi_unlawful_purpose").data["effective_date"] == "2026-12-04"


def test_the_reports_sent_meet_the_bodys_duties_and_never_the_contractors(side, incident):
    _judge(side, incident, categories=["financial"])
    fresh = Incident.objects.select_related("contract").get(pk=incident.pk)
    with pytest.raises(ValidationError) as caught:
        services.appi_report_record(
            incident=fresh,
            stage="preliminary",
            sent_on=AWARE - timedelta(days=1),
            method="web_form",
            **m(side.client_staff),
        )
    assert "sent_on" in caught.value.message_dict
    services.appi_report_record(
        incident=fresh,
        stage="preliminary",
        sent_on=AWARE,
        method="web_form",
        reference="R-1",
        **m(side.client_staff),
    )
    services.appi_report_record(
        incident=fresh, stage="final", sent_on=AWARE, method="email", **m(side.client_staff)
    )
    duties = _appi_duties(incident)
    assert {k: (d.state, d.on_time) for k, d in duties.items()} == {
        ("1-appi-preliminary-report", 1): (Duty.State.FULFILLED, True),
        ("2-appi-final-report", 1): (Duty.State.FULFILLED, True),
    }
    # 001 §24.1(4)'s written record is the contractor's, on the incident itself: still open.
    own = Duty.objects.get(
        subject=f"incidents.incident:{incident.pk}", obligation__key="24.1(4)-incident-record"
    )
    assert own.state == Duty.State.OPEN
    with pytest.raises(ValidationError):
        services.appi_report_record(
            incident=fresh, stage="final", sent_on=AWARE, method="post", **m(side.client_staff)
        )
    with pytest.raises(PermissionDenied):
        services.appi_report_record(
            incident=fresh, stage="final", sent_on=AWARE, method="post", **m(side.contractor_admin)
        )


def test_a_revision_moves_the_clock_and_a_judgement_is_never_edited(side, incident):
    _judge(side, incident, persons=500)
    first = _appi_duties(incident)
    _judge(side, incident, persons=480)  # the same clock: nothing moves
    assert {k: d.due_date for k, d in _appi_duties(incident).items()} == {
        k: d.due_date for k, d in first.items()
    }
    _judge(side, incident, persons=480, categories=["unlawful_purpose"], aware_on=AWARE - timedelta(days=1))
    duties = _appi_duties(incident)
    assert duties[("2-appi-final-report", 1)].state == Duty.State.WAIVED
    assert duties[("1-appi-preliminary-report", 1)].state == Duty.State.WAIVED
    assert duties[("1-appi-preliminary-report", 2)].due_date == date(2026, 12, 8)
    assert duties[("2-appi-final-report-unlawful", 1)].due_date == date(2027, 2, 1)
    _judge(side, incident, persons=10)  # not reportable after all: the open duties close
    assert {d.state for d in _appi_duties(incident).values()} == {Duty.State.WAIVED}
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_appijudgement SET persons_affected = 1")
    assert AppiJudgement.objects.count() == 4


def test_the_contractor_may_not_judge_nor_read_the_section(side, incident, client):
    with pytest.raises(PermissionDenied):
        services.appi_judge(
            incident=incident,
            categories=[],
            persons_affected=None,
            aware_on=AWARE,
            **m(side.contractor_admin),
        )
    client.force_login(side.contractor_admin.user)
    page = client.get(reverse("incidents:incident_detail", args=[incident.pk])).content.decode()
    assert "個人情報保護委員会" not in page


@pytest.mark.parametrize("judgements", [1, 3])
def test_the_page_with_a_judgement_reads_in_a_fixed_number_of_queries(
    side, incident, client, judgements, django_assert_num_queries
):
    for n in range(judgements):
        _judge(side, incident, persons=101 + n)
    client.force_login(side.client_staff.user)
    url = reverse("incidents:incident_detail", args=[incident.pk])
    client.get(url)
    # session, user, membership (3); the incident with its state (1); may the person handle it,
    # may they judge it (the contract's managers, once each: 2); the timeline (1); the
    # judgements and the reports sent (2); the read recorded (savepoint, chain lock, last hash,
    # insert, release: 5); the duties of the incident and its clock (1); the unread bell (1);
    # the session refreshed (3). The same whatever the number of judgements.
    with django_assert_num_queries(19):
        page = client.get(url).content.decode()
    assert "報告対象" in page and "令和8年12月9日" in page and "令和9年1月3日" in page


def test_the_draft_report_renders_and_its_download_is_a_read(side, incident, client):
    _judge(side, incident, categories=["sensitive"], persons=50)
    client.force_login(side.client_staff.user)
    response = client.get(reverse("incidents:appi_draft", args=[incident.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    read = Event.objects.get(kind="incident_appi_draft.downloaded")
    assert (read.actor_id, read.object_id) == (side.client_staff.user.pk, str(incident.pk))
    # The same items in Excel, one row each; what is not recorded says so.
    sheet = client.get(reverse("incidents:appi_draft_xlsx", args=[incident.pk]))
    ws = load_workbook(BytesIO(sheet.content)).active
    items = {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    assert items["3 本人の数"] == "50人" and "未把握" in items["5 二次被害又はそのおそれの有無及びその内容"]
    assert "要配慮個人情報" in items["9 その他参考となる事項"]
    assert Event.objects.filter(kind="incident_appi_draft.downloaded").count() == 2
