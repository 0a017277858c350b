import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection, connections

from compliance.models import Duty, Reminder
from compliance.services.reminders import reminder_sweep, window_for
from contracts.services import contract_activate
from core.models import Notification, User

JST = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("due", "today", "window"),
    [
        (date(2025, 5, 31), date(2025, 5, 1), None),  # 30 days out: no window yet
        (date(2025, 5, 15), date(2025, 5, 1), "before:14"),
        (date(2025, 5, 13), date(2025, 5, 1), "before:14"),  # the 14-day run was missed: catch up
        (date(2025, 5, 8), date(2025, 5, 1), "before:7"),
        (date(2025, 5, 2), date(2025, 5, 1), "before:1"),
        (date(2025, 5, 1), date(2025, 5, 1), "before:0"),
        (date(2025, 4, 30), date(2025, 5, 1), "overdue:2025-05-01"),
    ],
)
def test_windows(due, today, window, settings):
    settings.REMINDER_OFFSETS_DAYS = [14, 7, 1, 0]
    assert window_for(due, today) == window


def _activated(side, make_contract, **kw):
    contract = make_contract(**kw)
    return contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=date(2025, 4, 1),
    )


def _at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=JST)


def test_sweep_records_reminders_once_and_sends_to_the_contractor(
    side, make_contract, django_capture_on_commit_callbacks
):
    contract = _activated(side, make_contract, contractor_responsible=None)
    # The roster is due on the planned work start, 2025-04-14: 7 days before is 04-07.
    with django_capture_on_commit_callbacks(execute=True):
        first = reminder_sweep(now=_at(2025, 4, 7))
    roster = Duty.objects.get(contract=contract, obligation__key="2.1-roster")
    reminders = Reminder.objects.filter(duty=roster)
    assert {r.window_key for r in reminders} == {"before:7"}
    assert {r.recipient_id for r in reminders} == {side.contractor_admin.user_id}
    assert all(r.sent_at for r in reminders)
    # One notification and one e-mail per person per sweep, listing every duty of that sweep.
    assert Notification.objects.filter(user=side.contractor_admin.user).count() == 1
    [message] = [m for m in mail.outbox if side.contractor_admin.user.email in m.to]
    assert len(first) >= 2 and message.body.count("R7-") == len(first)
    # Re-running in the same window records and sends nothing more.
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_sweep(now=_at(2025, 4, 7, 15)) == []
    assert len(mail.outbox) == sent


def test_overdue_escalates_daily_to_both_sides(side, make_contract):
    contract = _activated(side, make_contract, client_responsible=None)
    reminder_sweep(now=_at(2025, 4, 16))
    reminder_sweep(now=_at(2025, 4, 16, 18))  # same day: nothing new
    reminder_sweep(now=_at(2025, 4, 17))
    roster = Duty.objects.get(contract=contract, obligation__key="2.1-roster")
    windows = sorted({r.window_key for r in Reminder.objects.filter(duty=roster)})
    assert windows == ["overdue:2025-04-16", "overdue:2025-04-17"]
    recipients = set(
        Reminder.objects.filter(duty=roster, window_key="overdue:2025-04-16").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == {side.contractor_admin.user_id, side.client_admin.user_id}


def test_day_boundary_is_midnight_in_japan(side, make_contract):
    contract = _activated(side, make_contract)
    # 2025-04-13 23:59 JST is still the day before the due date; 00:00 JST on 04-14 is the day.
    reminder_sweep(now=_at(2025, 4, 13, 23, 59))
    reminder_sweep(now=datetime(2025, 4, 13, 15, 0, tzinfo=ZoneInfo("UTC")))  # = 04-14 00:00 JST
    roster = Duty.objects.get(contract=contract, obligation__key="2.1-roster")
    assert sorted({r.window_key for r in Reminder.objects.filter(duty=roster)}) == ["before:0", "before:1"]


def test_fulfilled_duties_are_not_reminded(side, make_contract):
    from core.audit import record_event

    contract = _activated(side, make_contract)
    record_event(kind="roster.approved", contract_id=contract.pk)
    reminder_sweep(now=_at(2025, 4, 7))
    assert not Reminder.objects.filter(duty__obligation__key="2.1-roster").exists()


def test_digest_users_get_one_mail_a_day(side, make_contract, django_capture_on_commit_callbacks):
    from compliance.services.delivery import digests_send

    user = side.contractor_admin.user
    User.objects.filter(pk=user.pk).update(notification_mode=User.NotificationMode.DIGEST)
    _activated(side, make_contract, contractor_responsible=None)
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(now=_at(2025, 4, 16))
    assert not [m for m in mail.outbox if user.email in m.to]
    assert Notification.objects.filter(user=user).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() == 1
        assert digests_send() == 0
    assert len([m for m in mail.outbox if user.email in m.to]) == 1


def test_sweep_query_count_does_not_grow_with_duties(side, make_contract, django_assert_num_queries):
    for _ in range(3):
        _activated(side, make_contract)
    # savepoint, open duties in the windows, their recipients, one INSERT … RETURNING, release:
    # the same five whatever the number of duties, contracts or people.
    with django_assert_num_queries(5):
        reminder_sweep(now=_at(2025, 4, 16))
    for _ in range(5):
        _activated(side, make_contract)
    with django_assert_num_queries(5):
        reminder_sweep(now=_at(2025, 4, 17))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
def test_two_concurrent_sweeps_never_record_twice(side, make_contract):
    for _ in range(4):
        _activated(side, make_contract)
    barrier = threading.Barrier(2)
    results: list[list[int]] = []

    def sweep():
        try:
            barrier.wait()
            results.append(reminder_sweep(now=_at(2025, 4, 16)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    all_ids = results[0] + results[1]
    assert len(all_ids) == len(set(all_ids)) == Reminder.objects.count() > 0
    keys = list(Reminder.objects.values_list("duty_id", "window_key", "recipient_id"))
    assert len(keys) == len(set(keys))


def test_a_responsible_person_who_is_not_a_member_hears_nothing(side, make_contract):
    """Contracts made before the form checked the choice may name another company's person; a
    person who left stays named on the contract. Neither receives the contract's reminders."""
    from contracts.models import Contract
    from core.models import Membership
    from tests import factories

    stranger = factories.side("d", "丁").contractor_admin.user
    contract = _activated(side, make_contract, client_responsible=None)
    Contract.objects.filter(pk=contract.pk).update(contractor_responsible=stranger)
    left = side.client_staff
    Contract.objects.filter(pk=contract.pk).update(client_responsible=left.user)
    Membership.objects.filter(pk=left.pk).update(is_active=False)
    reminder_sweep(now=_at(2025, 4, 16))
    recipients = set(Reminder.objects.filter(duty__contract=contract).values_list("recipient_id", flat=True))
    assert stranger.pk not in recipients and left.user_id not in recipients
    # The managers of both sides still hear of the overdue roster.
    assert {side.contractor_admin.user_id, side.client_admin.user_id} <= recipients
