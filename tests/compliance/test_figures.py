"""The definitions of the figures shown beside duties, so that none of them can mislead.

期限内履行率 (on-time rate) = duties fulfilled on time / (every fulfilled duty + every open duty
past its due date). Overdue duties count against it; with nothing due yet there is no rate (「—」).
"""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from compliance.models import Duty
from compliance.selectors import Status, status_by_contract, status_total
from contracts.models import Contract
from contracts.services import contract_activate

ON = date(2025, 6, 1)


def _activated(side, make_contract):
    contract = make_contract()
    return contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=date(2025, 4, 1),
    )


def _craft(contract, *, on_time=0, late=0, overdue=0, not_due=0, undated=0, waived=0) -> None:
    """Replaces the contract's duties with crafted ones, relative to ON."""
    obligation = Duty.objects.filter(contract=contract).first().obligation
    Duty.objects.filter(contract=contract).delete()
    now = timezone.now()
    rows = (
        [{"state": Duty.State.FULFILLED, "on_time": True, "due_date": ON - timedelta(days=3)}] * on_time
        + [{"state": Duty.State.FULFILLED, "on_time": False, "due_date": ON - timedelta(days=3)}] * late
        + [{"state": Duty.State.OPEN, "due_date": ON - timedelta(days=1)}] * overdue
        + [{"state": Duty.State.OPEN, "due_date": ON}] * not_due  # due today: not yet overdue
        + [{"state": Duty.State.OPEN, "due_date": None}] * undated
        + [{"state": Duty.State.WAIVED, "due_date": ON - timedelta(days=3)}] * waived
    )
    Duty.objects.bulk_create(
        Duty(contract=contract, obligation=obligation, subject="figures", cycle=i + 1, opened_at=now, **row)
        for i, row in enumerate(rows)
    )


def test_overdue_duties_count_against_the_rate():
    # The reported case: every fulfilled duty on time, seven overdue. Fulfilled-only read 100%.
    assert Status(fulfilled=3, on_time=3, overdue=7).on_time_percent == 30
    assert Status(fulfilled=3, on_time=3).on_time_percent == 100


def test_late_fulfilment_counts_against_the_rate_and_waived_or_not_yet_due_do_not():
    assert Status(fulfilled=4, on_time=3, overdue=0).on_time_percent == 75
    assert Status(fulfilled=4, on_time=3, waived=10, due_soon=5, upcoming=9).on_time_percent == 75


def test_no_rate_when_nothing_is_due_yet():
    assert Status().on_time_percent is None
    assert Status(due_soon=2, upcoming=5, waived=1).on_time_percent is None
    # One overdue duty and nothing fulfilled is 0%, not "no rate".
    assert Status(overdue=1).on_time_percent == 0


def test_one_overdue_duty_keeps_the_rate_below_100():
    # Rounded down: 100% is shown only when every duty due was done on time.
    assert Status(fulfilled=299, on_time=299, overdue=1).on_time_percent == 99


def test_selector_counts_crafted_duties_by_the_definition(side, make_contract):
    contract = _activated(side, make_contract)
    _craft(contract, on_time=2, late=1, overdue=1, not_due=3, undated=2, waived=4)
    st = status_by_contract([contract.pk], on=ON)[contract.pk]
    assert (st.fulfilled, st.on_time, st.overdue, st.waived) == (3, 2, 1, 4)
    assert st.rate_base == 4  # 3 fulfilled + 1 overdue; the 5 not due and the 4 waived are not counted
    assert st.on_time_percent == 50
    total = status_total(Contract.objects.filter(pk=contract.pk), on=ON)
    assert total.on_time_percent == 50


def test_selector_gives_no_rate_when_nothing_is_due(side, make_contract):
    contract = _activated(side, make_contract)
    _craft(contract, not_due=2, undated=1, waived=1)
    assert status_by_contract([contract.pk], on=ON)[contract.pk].on_time_percent is None


def test_contract_page_shows_the_rate_with_its_definition(client, side, make_contract):
    contract = _activated(side, make_contract)
    today = timezone.localdate()
    obligation = Duty.objects.filter(contract=contract).first().obligation
    Duty.objects.filter(contract=contract).delete()
    now = timezone.now()
    Duty.objects.bulk_create(
        [
            Duty(
                contract=contract,
                obligation=obligation,
                subject="f",
                cycle=1,
                opened_at=now,
                state=Duty.State.FULFILLED,
                on_time=True,
                due_date=today - timedelta(days=5),
            ),
            Duty(
                contract=contract,
                obligation=obligation,
                subject="f",
                cycle=2,
                opened_at=now,
                due_date=today - timedelta(days=1),
            ),
        ]
    )
    client.force_login(side.client_admin.user)
    body = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert "期限内履行率" in body
    assert "50%" in body and "100%" not in body
    assert "（2件中1件）" in body
    assert "定義：期限内履行率＝期限までに履行した義務 ÷（履行済みの義務＋期限を過ぎて未履行の義務）" in body


def test_contract_page_says_there_is_no_rate_before_anything_is_due(client, side, make_contract):
    contract = _activated(side, make_contract)
    Duty.objects.filter(contract=contract).update(
        state=Duty.State.OPEN, on_time=None, due_date=timezone.localdate() + timedelta(days=30)
    )
    client.force_login(side.client_admin.user)
    body = client.get(reverse("contracts:contract_detail", args=[contract.pk])).content.decode()
    assert "期限を迎えた義務がまだないため、期限内履行率はありません。" in body
    assert "100%" not in body and "0%" not in body
