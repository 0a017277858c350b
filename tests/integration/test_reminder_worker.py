"""The reminder sweep on a real worker over Redis: beat's task records, delivers and mails."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from clauses.services import clause_template_load
from compliance import tasks
from compliance.models import Reminder
from contracts.services import contract_activate, contract_create
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
MINI = Path(__file__).resolve().parents[1] / "clauses" / "data" / "mini.yaml"


def test_sweep_on_the_worker_records_delivers_and_mails_once(celery_worker, broker):
    side = factories.side("w", "戊")
    template, _ = clause_template_load(path=MINI)
    today = timezone.localdate()
    contract = contract_create(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contractor=side.contractor,
        number="R7-WORKER",
        title="ワーカー確認業務",
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=300),
        work_start_date=today + timedelta(days=7),
        clause_template=template,
    )
    contract_activate(
        actor=side.client_admin.user,
        actor_membership=side.client_admin,
        contract=contract,
        signed_on=today - timedelta(days=10),
    )

    broker.send(tasks.sweep_reminders, queue=celery_worker.queue)
    # Each recipient's reminders go in a delivery task of their own, so wait for the one this test
    # is about (the contractor's roster duty), not merely for the first delivery to finish.
    roster = Reminder.objects.filter(duty__contract=contract, duty__obligation__key="2.1-roster")
    reminders = celery_worker.wait_for(
        lambda: list(roster.filter(sent_at__isnull=False)) or None, what="delivered roster reminders"
    )
    assert {r.window_key for r in reminders} == {"before:7"}

    # The delivery records the mail in the outbox; a send task mails it a moment later, and the
    # file backend creates its file before it writes the message: wait for the subject itself.
    def subjects() -> list[str]:
        raw = b"".join(f.read_bytes() for f in sorted(celery_worker.mail_dir.glob("*.log")))
        return [
            str(email.message_from_bytes(part, policy=email.policy.default)["Subject"])
            for part in raw.split(b"\n" + b"-" * 79 + b"\n")
            if part.strip()
        ]

    found = celery_worker.wait_for(
        lambda: [s for s in subjects() if "R7-WORKER" in s] or None, what="reminder e-mail"
    )
    assert found, subjects()

    # A second sweep (as beat would run an hour later) records and sends nothing new.
    count = Reminder.objects.filter(duty__contract=contract).count()
    broker.send(tasks.sweep_reminders, queue=celery_worker.queue).get(timeout=30)
    assert Reminder.objects.filter(duty__contract=contract).count() == count
