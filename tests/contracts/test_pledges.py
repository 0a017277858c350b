import re
import subprocess

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance.models import Duty
from contracts.models import Pledge
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.models import Event
from tests.contracts.conftest import MINIMAL_PDF, START, TODAY


def _draft(side, contract, name="誓約 花子"):
    m = side.contractor_admin
    change = roster_change_open(actor=m.user, actor_membership=m, contract=contract)
    person = roster_person_add(
        actor=m.user,
        actor_membership=m,
        change=change,
        full_name=name,
        affiliation="運用部",
        start_date=START,
    ).person
    return change, person


def test_pre_filled_pledge_names_the_person_and_the_parties(client, side, notice_contract, tmp_path):
    _, person = _draft(side, notice_contract)
    client.force_login(side.contractor_admin.user)
    response = client.get(reverse("contracts:pledge_blank_pdf", args=[person.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "p.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "誓約書" in text and "誓約 花子" in text and "甲" in text and "乙" in text and "令和" in text


def test_upload_checks_the_content_and_the_roster_waits_for_every_pledge(client, side, notice_contract):
    change, person = _draft(side, notice_contract)
    client.force_login(side.contractor_admin.user)
    submit = client.post(
        reverse("contracts:roster_change_act", args=[change.pk]), {"action": "submit"}, follow=True
    )
    assert "誓約 花子" in submit.content.decode()  # the error names who has no pledge yet
    change.refresh_from_db()
    assert change.approval_state == "draft"
    fake = SimpleUploadedFile("誓約書.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(
        reverse("contracts:person_pledge", args=[person.pk]), {"file": fake, "signed_on": TODAY.isoformat()}
    )
    assert response.status_code == 200 and "PDF、JPEG、PNG" in " ".join(
        response.context["form"].errors["file"]
    )
    assert not Pledge.objects.exists()
    scan = SimpleUploadedFile("誓約書.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = client.post(
        reverse("contracts:person_pledge", args=[person.pk]), {"file": scan, "signed_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get(person=person)
    roster_change_act(
        actor=side.contractor_admin.user,
        actor_membership=side.contractor_admin,
        change=change,
        action="submit",
    )
    # The pledge duty that opens with the person is met by the pledge already on record.
    duty = Duty.objects.get(
        contract=notice_contract, obligation__kind="pledge", subject=f"contracts.person:{person.pk}"
    )
    assert (
        duty.state == Duty.State.FULFILLED and duty.on_time and duty.evidence_event.kind == "pledge.uploaded"
    )
    # The auditor downloads it (recorded); a contractor's worker may not.
    client.force_login(side.auditor.user)
    download = client.get(reverse("contracts:pledge_file", args=[pledge.pk]))
    assert download.status_code == 200 and download.content == MINIMAL_PDF
    assert Event.objects.filter(kind="file.downloaded", actor=side.auditor.user).exists()
    client.force_login(side.contractor_staff.user)
    assert client.get(reverse("contracts:pledge_file", args=[pledge.pk])).status_code == 404


def test_pledge_leaves_the_signing_date_blank_for_the_signer(client, side, notice_contract, tmp_path):
    # The signer writes the day they sign; a pre-printed date would be the day of printing.
    from contracts.pdf.pledges import pledge_context
    from core.wareki import format_wareki

    _, person = _draft(side, notice_contract)
    assert "issued_on" not in pledge_context(person)
    client.force_login(side.contractor_admin.user)
    response = client.get(reverse("contracts:pledge_blank_pdf", args=[person.pk]))
    path = tmp_path / "p.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    compact = "".join(text.split())
    assert format_wareki(TODAY) not in compact
    assert f"{TODAY.month}月{TODAY.day}日" not in compact
    # The blank date line is there to be filled in (spaces where the numbers go).
    assert re.search(r"令和\s+年\s+月\s+日", text)
