"""The roster's PDF form: its wording follows the clauses' mode (承認申請 where the roster is
approved in advance, as under 所沢市's §4; 届出 where notice is enough), and it is laid out as the
paper forms are (the name with its kana under it, labels never broken inside a word). The
work-site form's print of a day's sites says they were approved, not notified."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from contracts.models import Person, PersonRole, RosterChange, RosterEntry
from contracts.pdf.roster import ROSTER_FORM, label_words, roster_context
from contracts.pdf.worksites import WORKSITE_FORM, worksite_context
from contracts.services import worksites as worksite_services
from contracts.services.roster import (
    roster_change_act,
    roster_change_open,
    roster_entry_change,
    roster_person_add,
)
from core import pdf
from core.approvals import ApprovalAction as A
from core.files import read_file
from tests.contracts.conftest import END, START, TODAY, upload_pledges

WORK_START = START + timedelta(days=10)


def _text(data: bytes, tmp_path, *args: str) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True).stdout


def _manager(side):
    return {"actor": side.contractor_admin.user, "actor_membership": side.contractor_admin}


def _submit(side, contract, people):
    change = roster_change_open(contract=contract, **_manager(side))
    for name, kw in people.items():
        roster_person_add(change=change, full_name=name, start_date=WORK_START, **_manager(side), **kw)
    upload_pledges(side, change)
    return roster_change_act(change=change, action=A.SUBMIT, **_manager(side))


def _frozen(change, tmp_path) -> str:
    change.refresh_from_db()
    return _text(read_file(change.submitted_pdf), tmp_path, "-layout")


# --- wording ------------------------------------------------------------------------------------


def test_under_prior_approval_the_submitted_roster_applies_for_approval(side, approval_contract, tmp_path):
    first = _submit(side, approval_contract, {"申請 一郎": {}})
    text = _frozen(first, tmp_path)
    assert "業務従事者名簿（承認申請）" in text and "承認をお願いします" in text
    assert "申請番号" in text and "届出" not in text
    staff = side.client_staff
    roster_change_act(actor=staff.user, actor_membership=staff, change=first, action=A.APPROVE)
    # A change applies for the change, marking what it adds and listing whom it takes off.
    second = roster_change_open(contract=approval_contract, **_manager(side))
    roster_person_add(change=second, full_name="追加 二郎", start_date=TODAY, **_manager(side))
    leaving = first.entries.get().person
    roster_entry_change(change=second, person=leaving, remove=True, planned_end_date=TODAY, **_manager(side))
    second = roster_change_act(change=second, action=A.SUBMIT, **_manager(side))
    text = _frozen(second, tmp_path)
    assert "業務従事者名簿（変更承認申請 第2号）" in text and "変更の前に承認をお願いします" in text
    assert "区分" in text and "追加" in text
    assert "名簿から外す者" in text and "申請 一郎" in text
    # A print of a day's roster applies for nothing: it names what was approved.
    day = _text(pdf.render_form(ROSTER_FORM, roster_context(approval_contract, on=TODAY)), tmp_path)
    assert "承認を受けた者" in day and "申請" not in day.split("記")[0] and "届出" not in day


def test_under_notice_the_submitted_roster_is_a_notice(side, notice_contract, tmp_path):
    first = _submit(side, notice_contract, {"届出 花子": {}})
    text = _frozen(first, tmp_path)
    assert "業務従事者名簿（届出）" in text and "届け出ます" in text and "届出番号" in text
    assert "承認" not in text
    day = _text(pdf.render_form(ROSTER_FORM, roster_context(notice_contract, on=TODAY)), tmp_path)
    assert "届け出た者" in day and "承認" not in day


def test_the_work_site_list_of_a_day_says_the_sites_were_approved(side, approval_contract, tmp_path):
    manager, staff = _manager(side), side.client_staff
    change = worksite_services.worksite_change_open(contract=approval_contract, **manager)
    worksite_services.worksite_add(
        change=change,
        kind="contractor_office",
        name="本社",
        address="東京都千代田区丸の内一丁目1番1号",
        storage_places=[{"name": "書庫A", "protection": "locked_cabinet"}],
        **manager,
    )
    worksite_services.worksite_change_act(change=change, action="submit", **manager)
    worksite_services.worksite_change_act(
        change=change, action="approve", actor=staff.user, actor_membership=staff
    )
    text = _text(pdf.render_form(WORKSITE_FORM, worksite_context(approval_contract, on=TODAY)), tmp_path)
    assert "作業場所一覧" in text and "承認を受けた場所" in text and "届出" not in text


# --- layout -------------------------------------------------------------------------------------


def test_labels_are_cut_between_their_words_only():
    assert label_words("情報セキュリティ責任者") == ["情報", "セキュリティ", "責任者"]
    assert label_words("再委託先の従事者") == ["再委託先の", "従事者"]
    assert label_words("パート・アルバイト") == ["パート・", "アルバイト"]
    assert label_words("責任者") == ["責任者"]


def test_the_name_has_its_kana_under_it_and_no_role_is_broken(side, notice_contract, tmp_path):
    _submit(
        side,
        notice_contract,
        {
            "責任 太郎": {"full_name_kana": "せきにん たろう", "role": PersonRole.RESPONSIBLE},
            "情報 守": {"full_name_kana": "じょうほう まもる", "role": PersonRole.SECURITY_OFFICER},
        },
    )
    text = _text(pdf.render_form(ROSTER_FORM, roster_context(notice_contract, on=TODAY)), tmp_path, "-layout")
    lines = text.splitlines()
    name_line = next(i for i, line in enumerate(lines) if "責任 太郎" in line)
    assert "せきにん たろう" not in lines[name_line]  # not run together with the name …
    assert "せきにん たろう" in lines[name_line + 1]  # … but under it
    assert "責任者" in lines[name_line]  # the role in one piece, on the name's line
    officer = next(i for i, line in enumerate(lines) if "情報 守" in line)
    # The long role wraps between its words: 「情報セキュリティ」 then 「責任者」.
    assert "情報セキュリティ" in lines[officer] and "責任者" in lines[officer + 1]


def _bulk_roster(side, contract, people: int) -> None:
    """`people` on a roster in force today, written in bulk (the services would render the
    frozen form of each submission, which is not what this test is about)."""
    change = roster_change_open(contract=contract, **_manager(side))
    persons = [
        Person(
            contract=contract,
            data_key_id=contract.data_key_id,
            full_name=f"長名 {'従事者' * 3}{i:03d}",
            full_name_kana=f"ちょうめい じゅうじしゃ{i:03d}",
            employer=side.contractor,
        )
        for i in range(people)
    ]
    for person in persons:  # save(): the names are encrypted per row
        person.save()
    roles = [PersonRole.SECURITY_OFFICER, PersonRole.RESPONSIBLE, PersonRole.WORKER]
    RosterEntry.objects.bulk_create(
        RosterEntry(
            change=change,
            person=person,
            action="add",
            role=roles[min(i, 2)],
            affiliation="情報システム部 運用管理課",
            job_title="主任",
            scope_of_work="窓口受付、申請書の入力及び点検、帳票の印刷と発送",
            start_date=WORK_START,
            planned_end_date=END,
        )
        for i, person in enumerate(persons)
    )
    RosterChange.objects.filter(pk=change.pk).update(approval_state="submitted", effective_at=timezone.now())


@pytest.mark.parametrize("people", [5, 500])
def test_nothing_runs_off_the_page_at_5_and_500_people(side, notice_contract, tmp_path, people):
    _bulk_roster(side, notice_contract, people)
    data = pdf.render_form(ROSTER_FORM, roster_context(notice_contract, on=TODAY), timeout=120)
    bbox = _text(data, tmp_path, "-bbox")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">', bbox)
    width, height = (float(v) for v in pages[0])
    assert width > height and len(set(pages)) == 1  # landscape A4 on every page
    # Every word inside the 20 mm side margins (less a point for rounding).
    margin = 20 / 25.4 * 72 - 1
    assert min(float(x) for x in re.findall(r'xMin="([\d.]+)"', bbox)) >= margin
    assert max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)) <= width - margin
    text = _text(data, tmp_path, "-layout")
    assert text.count("長名") == people and f"じゅうじしゃ{people - 1:03d}" in text
    assert text.count("様式（名簿）") == len(pages)  # the form number on every page
