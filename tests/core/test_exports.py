"""Exports prepared in Celery (core.services.exports), through the large roster PDF.

Celery is eager in the test settings; the task is published on commit, so the tests run the
on_commit callbacks (django_capture_on_commit_callbacks) where a real request would commit.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clauses.services import clause_template_load
from compliance import engine
from contracts.models import Person, PersonRole, RosterEntry
from contracts.pdf.roster import ROSTER_FORM, roster_export_params
from contracts.services.roster import roster_change_act, roster_change_open
from core import pdf
from core.models import Event, ExportJob, Membership, Role, StoredFile
from core.selectors import SESSION_MEMBERSHIP_KEY
from core.services import exports
from tests import factories
from tests.compliance.conftest import DATA
from tests.contracts import conftest as contracts_conftest
from tests.contracts.conftest import START, TODAY, upload_pledges

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_engine_cache():
    engine.clear_caches()
    yield
    engine.clear_caches()


@pytest.fixture
def side(db):
    return factories.side("e", "出")


@pytest.fixture
def notice_contract(side):
    """Under clauses that ask only for notice of the roster and its changes."""
    template, _ = clause_template_load(path=DATA / "mini.yaml")
    return contracts_conftest._contract(side, template, "R7-EXPORT-N")


SMALL_SYNC = override_settings(ROSTER_PDF_SYNC_MAX_PEOPLE=2)


@pytest.fixture
def roster(side, notice_contract):
    """Three people in force under notice-only clauses (one more than SMALL_SYNC prints at once)."""
    manager = side.contractor_admin
    change = roster_change_open(actor=manager.user, actor_membership=manager, contract=notice_contract)
    people = []
    for i in range(3):
        person = Person(
            contract=notice_contract,
            data_key_id=notice_contract.data_key_id,
            full_name=f"出力 {i:02d}",
            employer=side.contractor,
        )
        person.save()  # the name is encrypted per row
        people.append(person)
    RosterEntry.objects.bulk_create(
        RosterEntry(change=change, person=p, action="add", role=PersonRole.WORKER, start_date=START)
        for p in people
    )
    upload_pledges(side, change)
    roster_change_act(actor=manager.user, actor_membership=manager, change=change, action="submit")
    return notice_contract


def _ask(client, contract, capture, *, execute=True):
    with capture(execute=execute):
        response = client.post(
            reverse("contracts:roster_pdf_request", args=[contract.pk]), {"on": TODAY.isoformat()}
        )
    assert response.status_code == 302
    return ExportJob.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


@SMALL_SYNC
def test_large_roster_is_prepared_in_celery_then_downloaded_on_the_record(
    client, side, roster, django_capture_on_commit_callbacks
):
    client.force_login(side.auditor.user)
    page = client.get(reverse("contracts:roster", args=[roster.pk])).content.decode()
    assert reverse("contracts:roster_pdf_request", args=[roster.pk]) in page  # a POST button, not the link
    # The old GET link (a bookmark) does not render in the request: it offers to prepare it.
    offer = client.get(reverse("contracts:roster_pdf", args=[roster.pk]), {"on": TODAY.isoformat()})
    assert offer.status_code == 200 and offer["Content-Type"].startswith("text/html")
    printed_before = Event.objects.filter(kind="roster.printed").count()

    job = _ask(client, roster, django_capture_on_commit_callbacks)
    assert job.state == "ready" and job.params == {"contract": roster.pk, "on": TODAY.isoformat()}
    assert job.requested_by == side.auditor.user and job.membership == side.auditor
    assert job.expires_at > timezone.now() + timedelta(hours=23)
    # Nothing was read by anyone yet: asking and preparing are no roster.printed.
    assert Event.objects.filter(kind="roster.printed").count() == printed_before
    assert Event.objects.filter(kind="file.uploaded", object_id=str(job.file_id)).exists()

    status = client.get(reverse("core:export_status", args=[job.pk]))
    assert reverse("core:export_download", args=[job.pk]) in status.content.decode()
    response = client.get(reverse("core:export_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    digest = hashlib.sha256(response.content).hexdigest()
    assert digest == job.file.sha256
    printed = Event.objects.filter(kind="roster.printed", contract_id=roster.pk).latest("id")
    assert printed.actor_id == side.auditor.user.pk
    assert printed.data == {"on": TODAY.isoformat(), "sha256": digest, "export": job.pk}
    assert (printed.object_type, printed.object_id) == ("contracts.contract", str(roster.pk))
    assert Event.objects.filter(kind="file.downloaded", object_id=str(job.file_id)).count() == 1


@SMALL_SYNC
def test_status_page_polls_until_ready_and_works_without_javascript(
    client, side, roster, django_capture_on_commit_callbacks
):
    client.force_login(side.contractor_admin.user)
    job = _ask(client, roster, django_capture_on_commit_callbacks, execute=False)
    assert job.state == "queued"
    page = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert reverse("core:export_download", args=[job.pk]) not in page
    fragment = client.get(
        reverse("core:export_status", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="export-status"') and "<html" not in fragment
    # Asking again while it waits gives the same job, not a second render.
    assert _ask(client, roster, django_capture_on_commit_callbacks, execute=False).pk == job.pk
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404

    assert exports.export_run(pk=job.pk) == "ready"
    page = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page and "refresh" not in page
    assert reverse("core:export_download", args=[job.pk]) in page


def test_progress_follows_the_stages_and_the_estimate():
    now = timezone.now()
    job = ExportJob(
        state="running", stage="rendering", stage_at=now - timedelta(seconds=5), estimate_seconds=10
    )
    assert exports.progress_percent(job, now=now) == 50
    job.stage_at = now - timedelta(seconds=60)  # past its estimate: never claims to be done
    assert exports.progress_percent(job, now=now) == 86
    assert exports.progress_percent(ExportJob(state="queued"), now=now) == 0
    assert exports.progress_percent(ExportJob(state="running", stage="collecting"), now=now) == 5
    assert exports.progress_percent(ExportJob(state="ready"), now=now) == 100


@SMALL_SYNC
def test_only_the_person_who_asked_sees_the_job(client, side, roster, django_capture_on_commit_callbacks):
    manager = side.contractor_admin
    client.force_login(manager.user)
    job = _ask(client, roster, django_capture_on_commit_callbacks)
    urls = [reverse("core:export_status", args=[job.pk]), reverse("core:export_download", args=[job.pk])]
    # A colleague of the same organisation, who reads the same roster: 404.
    client.force_login(side.contractor_staff.user)
    assert [client.get(u).status_code for u in urls] == [404, 404]
    # The same person under another membership (another organisation): 404.
    other = Membership.objects.create(user=manager.user, organisation=side.body, role=Role.CLIENT_STAFF)
    client.force_login(manager.user)
    session = client.session
    session[SESSION_MEMBERSHIP_KEY] = other.pk
    session.save()
    assert client.get(reverse("core:home")).context["membership"] == other
    assert [client.get(u).status_code for u in urls] == [404, 404]
    client.logout()
    assert all(client.get(u).status_code == 302 for u in urls)


@SMALL_SYNC
def test_running_twice_renders_once_and_a_dead_run_is_taken_over(
    side, roster, django_capture_on_commit_callbacks, monkeypatch
):
    manager = side.contractor_admin
    params = roster_export_params(roster, on=TODAY)
    job = exports.export_request(
        actor=manager.user,
        actor_membership=manager,
        kind=ROSTER_FORM,
        params=params,
        contract_id=roster.pk,
        download_name="r.pdf",
    )
    # A second delivery while the first still works is skipped.
    ExportJob.objects.filter(pk=job.pk).update(state="running", stage_at=timezone.now(), attempts=1)
    assert exports.export_run(pk=job.pk) == "skipped"
    # A run that died long ago is taken over.
    ExportJob.objects.filter(pk=job.pk).update(stage_at=timezone.now() - timedelta(hours=1))
    files = StoredFile.objects.count()
    assert exports.export_run(pk=job.pk) == "ready"
    assert exports.export_run(pk=job.pk) == "skipped"
    assert StoredFile.objects.count() == files + 1
    job.refresh_from_db()
    assert job.attempts == 2 and job.state == "ready"


@SMALL_SYNC
def test_a_render_that_times_out_fails_with_a_message_in_japanese(
    client, side, roster, django_capture_on_commit_callbacks, monkeypatch
):
    def slow(*args, **kwargs):
        raise pdf.PdfRenderTimeout("stopped")

    monkeypatch.setattr(pdf, "render_form", slow)
    client.force_login(side.contractor_admin.user)
    job = _ask(client, roster, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "failed" and job.file is None
    assert "時間" in job.error
    assert job.error in client.get(reverse("core:export_status", args=[job.pk])).content.decode()


@SMALL_SYNC
def test_an_export_is_not_prepared_for_someone_who_lost_access(
    side, roster, django_capture_on_commit_callbacks
):
    manager = side.contractor_admin
    with django_capture_on_commit_callbacks(execute=False):
        job = exports.export_request(
            actor=manager.user,
            actor_membership=manager,
            kind=ROSTER_FORM,
            params=roster_export_params(roster, on=TODAY),
            contract_id=roster.pk,
            download_name="r.pdf",
        )
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    assert exports.export_run(pk=job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and job.error


@SMALL_SYNC
def test_expired_exports_are_erased_and_lost_publishes_sent_again(
    client, side, roster, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(side.contractor_admin.user)
    job = _ask(client, roster, django_capture_on_commit_callbacks)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404
    waiting = _ask(client, roster, django_capture_on_commit_callbacks, execute=False)
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    published = []
    monkeypatch.setattr(exports, "_publish", published.append)
    assert exports.exports_sweep() == {"republished": 1, "taken_over": 0, "erased": 1}
    assert published == [waiting.pk]
    job.refresh_from_db()
    assert job.file.erased_at is not None
    page = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert reverse("core:export_download", args=[job.pk]) not in page


@SMALL_SYNC
def test_status_page_query_count(
    client, side, roster, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.force_login(side.contractor_admin.user)
    job = _ask(client, roster, django_capture_on_commit_callbacks)
    client.get(reverse("core:export_status", args=[job.pk]))
    # session, user, membership (3: the middleware), the job with its file (1), unread bell (1),
    # session refresh (3). The page reads no personal data and records nothing.
    with django_assert_num_queries(8):
        response = client.get(reverse("core:export_status", args=[job.pk]))
    assert response.status_code == 200
    with django_assert_num_queries(8):
        client.get(reverse("core:export_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert connection.vendor in ("sqlite", "postgresql")
