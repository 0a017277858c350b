"""An incident's first report on a real worker over Redis and PostgreSQL: the report commits, the
publish after COMMIT reaches the worker, which tells the public body's staff and the contractor's
manager in the portal and by e-mail — once, even when the task is delivered again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clauses.library import LIBRARY_DIR
from clauses.services import clause_template_load
from contracts.services import contract_activate, contract_create
from core.models import Notification, OutboundMessage
from incidents import tasks
from incidents.models import IncidentEntry
from incidents.services.incidents import incident_report
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_first_report_is_told_by_the_worker_after_commit(celery_worker, broker, monkeypatch):
    side = factories.side("iw", "事")
    admin = side.client_admin
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("000-*.yaml")))
    contract = contract_create(
        actor=admin.user,
        actor_membership=admin,
        contractor=side.contractor,
        department=side.dept,
        number="R8-INC-1",
        title="窓口業務",
        start_date=date(2025, 4, 1),
        end_date=date(2027, 3, 31),
        work_start_date=date(2025, 4, 1),
        clause_template=template,
        handles_personal_info=True,
    )
    contract = contract_activate(
        actor=admin.user, actor_membership=admin, contract=contract, signed_on=date(2025, 4, 1)
    )
    monkeypatch.setattr(tasks.notify_entry, "queue", celery_worker.queue, raising=False)
    monkeypatch.setattr(tasks.notify_entry, "_exec_options", None, raising=False)
    from core import tasks as core_tasks

    monkeypatch.setattr(core_tasks.send_outbound, "queue", celery_worker.queue, raising=False)
    monkeypatch.setattr(core_tasks.send_outbound, "_exec_options", None, raising=False)

    worker = side.contractor_staff
    incident = incident_report(
        actor=worker.user,
        actor_membership=worker,
        contract=contract,
        category="theft",
        found_at=timezone.now() - timedelta(minutes=5),
        summary="車上荒らしで書類を盗まれた",
    )
    told = [side.client_staff.user.pk, side.contractor_admin.user.pk]

    def notices():
        return Notification.objects.filter(
            user_id__in=told, url__endswith=f"/incidents/{incident.pk}/"
        ).count()

    celery_worker.wait_for(lambda: notices() == 2, what="both people told in the portal")

    def mails() -> list[OutboundMessage]:
        return list(OutboundMessage.objects.filter(kind="incident"))

    celery_worker.wait_for(
        lambda: len(mails()) == 2 and all(m.state == OutboundMessage.State.SENT for m in mails()),
        what="both incident mails sent",
    )
    # Delivered again (a re-delivery after a worker died): nobody is told twice.
    entry = IncidentEntry.objects.get(incident=incident)
    assert (
        broker.send(tasks.notify_entry, queue=celery_worker.queue, kwargs={"entry_id": entry.pk}).get(
            timeout=30
        )
        == 0
    )
    assert notices() == 2 and len(mails()) == 2
