"""The roster as of a date lists the people in force that day: on a change in force by the end
of the day, their work period started and not ended. The page, its PDF and its Excel agree, and
the date field shows the date used."""

import io
import subprocess
from datetime import timedelta

from django.urls import reverse
from openpyxl import load_workbook

from contracts.selectors.roster import people_on
from contracts.services.roster import roster_change_act, roster_change_open, roster_person_add
from core.approvals import ApprovalAction as A
from core.wareki import format_wareki
from tests.contracts.conftest import END, START, TODAY, upload_pledges

# The change is notified today: the periods below are all from today on, so only they decide.
BEGINS = TODAY + timedelta(days=5)
ENDS = TODAY + timedelta(days=20)


def _roster(side, contract, people, *, effective_on=None):
    """One notified change putting `people` ({name: (start, end)}) on the roster."""
    manager = {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}
    change = roster_change_open(contract=contract, **manager)
    for name, (start, end) in people.items():
        roster_person_add(change=change, full_name=name, start_date=start, planned_end_date=end, **manager)
    upload_pledges(side, change)
    return roster_change_act(change=change, action=A.SUBMIT, effective_on=effective_on, **manager)


def _names(contract, on):
    return [e.person.full_name for e in people_on(contract, on)]


# --- the selector, at its boundaries ------------------------------------------------------------


def test_a_person_is_listed_from_the_first_to_the_last_day_of_the_work_period(side, notice_contract):
    _roster(side, notice_contract, {"期間 一郎": (BEGINS, ENDS), "無期限 二郎": (BEGINS, None)})
    assert _names(notice_contract, BEGINS - timedelta(days=1)) == []  # the day before the start
    assert _names(notice_contract, BEGINS) == ["期間 一郎", "無期限 二郎"]  # the first day
    assert _names(notice_contract, ENDS) == ["期間 一郎", "無期限 二郎"]  # the last day
    assert _names(notice_contract, ENDS + timedelta(days=1)) == ["無期限 二郎"]  # the day after


def test_nobody_is_listed_before_the_change_is_in_force(side, notice_contract):
    started = TODAY - timedelta(days=15)
    _roster(side, notice_contract, {"遡及 花子": (started, None)}, effective_on=TODAY - timedelta(days=10))
    # Working from the 15th day before, but notified with effect from the 10th day before.
    assert _names(notice_contract, TODAY - timedelta(days=11)) == []
    assert _names(notice_contract, TODAY - timedelta(days=10)) == ["遡及 花子"]
    assert _names(notice_contract, TODAY) == ["遡及 花子"]


def test_a_submitted_change_is_not_in_force_until_approved(side, approval_contract):
    manager = {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}
    change = roster_change_open(contract=approval_contract, **manager)
    roster_person_add(
        change=change, full_name="承認待 三郎", start_date=START + timedelta(days=10), **manager
    )
    change = roster_change_act(change=change, action=A.SUBMIT, **manager)
    assert _names(approval_contract, TODAY) == []
    staff = side.client_staff
    roster_change_act(actor=staff.user, actor_membership=staff, change=change, action=A.APPROVE)
    assert _names(approval_contract, TODAY) == ["承認待 三郎"]


# --- the page, the PDF and the Excel ---------------------------------------------------------------


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "roster.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


def test_the_page_lists_only_the_people_in_force_on_the_date(client, side, notice_contract):
    _roster(side, notice_contract, {"今日から 一郎": (TODAY, END), "来週から 二郎": (BEGINS, END)})
    client.force_login(side.auditor.user)
    url = reverse("contracts:roster", args=[notice_contract.pk])
    today = client.get(url)
    assert [e.person.full_name for e in today.context["page"].object_list] == ["今日から 一郎"]
    later = client.get(url, {"on": BEGINS.isoformat()})
    assert [e.person.full_name for e in later.context["page"].object_list] == [
        "今日から 一郎",
        "来週から 二郎",
    ]


def test_the_date_field_shows_the_date_the_text_names(client, side, notice_contract):
    client.force_login(side.auditor.user)
    url = reverse("contracts:roster", args=[notice_contract.pk])
    page = client.get(url).content.decode()
    assert f'name="on" value="{TODAY.isoformat()}"' in page
    assert f"{format_wareki(TODAY)}現在の名簿です。" in page
    asked = client.get(url, {"on": BEGINS.isoformat()}).content.decode()
    assert f'name="on" value="{BEGINS.isoformat()}"' in asked and f"{format_wareki(BEGINS)}現在" in asked
    # Only another page of the list asked for: still today, and the field says so.
    assert f'name="on" value="{TODAY.isoformat()}"' in client.get(url, {"page": "2"}).content.decode()
    # Not a date: the field keeps what was typed with its error, and the text names the day used.
    bad = client.get(url, {"on": "2025-02-30"})
    assert bad.status_code == 200 and bad.context["form"].errors["on"]
    assert f"{format_wareki(TODAY)}現在の名簿です。" in bad.content.decode()


def test_the_pdf_and_the_excel_of_a_date_list_the_same_people(client, side, notice_contract, tmp_path):
    _roster(side, notice_contract, {"今日から 一郎": (TODAY, END), "来週から 二郎": (BEGINS, END)})
    client.force_login(side.auditor.user)
    pdf = client.get(reverse("contracts:roster_pdf", args=[notice_contract.pk]), {"on": TODAY.isoformat()})
    text = _pdf_text(pdf.content, tmp_path)
    assert "今日から 一郎" in text and "来週から 二郎" not in text
    xlsx = client.get(
        reverse("contracts:roster_xlsx_export", args=[notice_contract.pk]), {"on": TODAY.isoformat()}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]] == ["今日から 一郎"]
    later = client.get(
        reverse("contracts:roster_xlsx_export", args=[notice_contract.pk]), {"on": BEGINS.isoformat()}
    )
    sheet = load_workbook(io.BytesIO(later.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]] == [
        "今日から 一郎",
        "来週から 二郎",
    ]
