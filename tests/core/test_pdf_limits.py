"""The PDF engine's two safety rules: never render under the audit trail's lock, and stop a
runaway render with a clear error instead of letting it take the worker down."""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.test import override_settings

from core import audit, pdf

# A long CJK text in an auto-layout table cell: WeasyPrint's min-content width computation is
# quadratic in it (docs/performance.md), about 9 s at 3,000 characters. A real runaway render.
RUNAWAY = "<table><tr><td>1</td><td>" + "作業場所の備考です。" * 300 + "</td></tr></table>"


@pytest.mark.django_db
def test_render_is_refused_under_the_chain_lock():
    with transaction.atomic():
        assert not audit.chain_lock_held()
        audit.record_event(kind="test.before_render")
        assert audit.chain_lock_held()
        with pytest.raises(pdf.PdfUnderChainLock):
            pdf.render_form("core.sample", {})


@pytest.mark.django_db
def test_render_before_the_first_event_is_allowed():
    with transaction.atomic():
        data = pdf.render_form("core.sample", {})
        audit.record_event(kind="test.after_render")
    assert data.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_mark_goes_with_the_transaction():
    with transaction.atomic():
        audit.record_event(kind="test.one")
    assert not audit.chain_lock_held()  # committed (here: the service's block ended)
    with transaction.atomic():
        assert not audit.chain_lock_held()
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            audit.record_event(kind="test.rolled_back")
            assert audit.chain_lock_held()
            raise ZeroDivisionError
        # The savepoint rolled back released the lock taken inside it (and the mark with it).
        assert not audit.chain_lock_held()


@pytest.mark.django_db(transaction=True)
def test_the_mark_is_cleared_by_commit_and_rollback_of_a_real_transaction():
    with transaction.atomic():
        audit.record_event(kind="test.real")
        assert audit.chain_lock_held()
    assert not audit.chain_lock_held()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record_event(kind="test.real_rolled_back")
        raise ZeroDivisionError
    with transaction.atomic():
        assert not audit.chain_lock_held()


def test_a_runaway_render_is_stopped_with_a_clear_error():
    started = time.monotonic()
    with pytest.raises(pdf.PdfRenderTimeout, match="stopped after 1 s"):
        pdf._html_to_pdf(RUNAWAY, timeout=1)
    assert time.monotonic() - started < 4  # 1 s, plus the child's start
    # This process lives on, and so does rendering: the next one gets a fresh child.
    assert pdf._html_to_pdf("<p>次の様式</p>").startswith(b"%PDF")


@pytest.mark.django_db
def test_a_submission_whose_pdf_times_out_gets_a_message_and_changes_nothing(monkeypatch):
    from core.approvals import FrozenForm, _render_frozen

    def too_slow(form_id, context):
        raise pdf.PdfRenderTimeout("stopped")

    monkeypatch.setattr(pdf, "render_form", too_slow)
    form = FrozenForm(form_id="core.sample", context=lambda obj: {}, filename=str, purpose="x")
    from django.core.exceptions import ValidationError
    from django.utils import translation

    # Said in the person's language: Japanese by default.
    with translation.override("ja"), pytest.raises(ValidationError, match="時間がかかりすぎた"):
        _render_frozen(object(), form)
    with translation.override("en"), pytest.raises(ValidationError, match="took too long"):
        _render_frozen(object(), form)


def test_an_oversized_document_is_refused_before_rendering():
    with override_settings(), pytest.raises(pdf.PdfRenderError, match="too large"):
        pdf._html_to_pdf("あ" * (pdf.MAX_HTML_BYTES // 3 + 1))
