"""How a form of the PDF engine (core.pdf) leaves the portal: as an attachment, its SHA-256 on
the record, or — for something submitted — exactly as it was frozen."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse

from core import pdf
from core.approvals import ApprovalState
from core.audit import record_event
from core.files import file_response


def form_pdf_response(request, *, form_id: str, data: bytes, obj, filename: str) -> HttpResponse:
    """Send a rendered form, recording who took which version of it (`form.downloaded`)."""
    record_event(
        kind="form.downloaded",
        actor=request.user,
        obj=obj,
        contract_id=getattr(obj, "contract_id", None),
        data={"form": form_id, "sha256": pdf.pdf_sha256(data)},
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def frozen_or_live_pdf(request, obj, form_id: str, build_context: Callable, name: str) -> HttpResponse:
    """An approvable's form as submitted (the frozen PDF), or — for a draft or one being
    corrected — rendered as it stands."""
    if obj.submitted_pdf_id and obj.approval_state not in (ApprovalState.DRAFT, ApprovalState.RETURNED):
        return file_response(request=request, stored=obj.submitted_pdf, download_name=name)
    data = pdf.render_form(form_id, build_context())
    return form_pdf_response(request, form_id=form_id, data=data, obj=obj, filename=f"{form_id}-{obj.pk}.pdf")
