import subprocess

from django.db import connection
from django.urls import reverse

from contracts.models import UnsuitableFlag
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.files import read_file
from core.models import Event
from tests.contracts.conftest import START, upload_pledges


def _on_roster(side, contract, name="交代 予定"):
    m = side.contractor_admin
    change = roster_change_open(actor=m.user, actor_membership=m, contract=contract)
    person = roster_person_add(
        actor=m.user, actor_membership=m, change=change, full_name=name, start_date=START
    ).person
    upload_pledges(side, change)
    return roster_change_act(actor=m.user, actor_membership=m, change=change, action="submit"), person


def test_public_body_flags_a_worker_and_the_contractor_answers(client, side, notice_contract):
    _, person = _on_roster(side, notice_contract)
    client.force_login(side.client_staff.user)
    url = reverse("contracts:person_flag_raise", args=[person.pk])
    client.post(url, {"reason": "", "measures_requested": ""})
    assert not UnsuitableFlag.objects.exists()  # nothing without a reason
    client.post(
        url,
        {"reason": "作業場所での私語が多く情報管理の指示に従わない", "measures_requested": "交代を求めます"},
    )
    flag = UnsuitableFlag.objects.get(person=person)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reason, measures_requested FROM contracts_unsuitableflag WHERE id = %s", [flag.pk]
        )
        assert all(v.startswith("enc1:") for v in cursor.fetchone())
    event = Event.objects.get(kind="person.flagged_unsuitable")
    assert "私語" not in str(event.data)  # the event says a flag was raised, not what it says
    client.force_login(side.contractor_admin.user)
    page = client.get(reverse("contracts:person_pledge", args=[person.pk])).content.decode()
    assert "交代を求めます" in page
    client.post(
        reverse("contracts:flag_answer", args=[flag.pk]), {"answer": "翌日から別の従事者に交代しました"}
    )
    client.force_login(side.client_staff.user)
    client.post(reverse("contracts:flag_close", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.answer == "翌日から別の従事者に交代しました" and flag.closed_at
    # The contractor cannot flag, and cannot close.
    client.force_login(side.contractor_admin.user)
    assert client.post(url, {"reason": "x", "measures_requested": "y"}).status_code == 404


def test_the_submitted_roster_is_frozen_as_a_pdf_with_its_hash(client, side, notice_contract, tmp_path):
    change, _person = _on_roster(side, notice_contract, name="凍結 太郎")
    change.refresh_from_db()
    stored = change.submitted_pdf
    assert stored is not None and len(stored.sha256) == 64
    path = tmp_path / "frozen.pdf"
    path.write_bytes(read_file(stored))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "凍結 太郎" in text and "変更 第1号" in text
    client.force_login(side.auditor.user)
    response = client.get(reverse("contracts:roster_change_pdf", args=[change.pk]))
    assert response.status_code == 200 and response.content == path.read_bytes()
    assert Event.objects.filter(kind="file.uploaded", data__sha256=stored.sha256).exists()
