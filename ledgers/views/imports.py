"""Pages of a ledger's import from Excel (services.imports): the upload with the template to fill
in, which queues the preview for Celery, the status page that follows the preview (then shows what
will be entered, or every error at its row and column) and the apply (queued for Celery too,
services.import_runs), and abandoning it. Thin: access, form, service. Offered from each
ledger's page to those who record on it (the contractor's managers and staff, a subcontractor's
for its own part)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.services.reads import personal_data_read
from core.spreadsheets import build_template
from core.views.exports import POLL_SECONDS
from ledgers import events, permissions
from ledgers.access import get_import_or_404, get_ledger_contract_or_404
from ledgers.forms.imports import ImportUploadForm
from ledgers.models import ImportLedger
from ledgers.services import import_runs
from ledgers.services import imports as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEDGER_PAGES = {
    ImportLedger.INFORMATION: "ledgers:information_list",
    ImportLedger.DEVICES: "ledgers:device_list",
}
UPLOAD_URLS = {
    ImportLedger.INFORMATION: "ledgers:information_import",
    ImportLedger.DEVICES: "ledgers:device_import",
}
TEMPLATE_URLS = {
    ImportLedger.INFORMATION: "ledgers:information_import_template",
    ImportLedger.DEVICES: "ledgers:device_import_template",
}
TEMPLATE_NAMES = {
    ImportLedger.INFORMATION: "information-ledger-template.xlsx",
    ImportLedger.DEVICES: "device-ledger-template.xlsx",
}


def _keeping_contract_or_404(request, pk: int):
    contract = get_ledger_contract_or_404(request, pk)
    if not permissions.can_keep_devices(request.user, request.membership, contract):
        raise Http404
    return contract


@login_required
def import_upload(request, pk: int, ledger: str):
    contract = _keeping_contract_or_404(request, pk)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            kept = services.import_upload(
                actor=request.user,
                actor_membership=request.membership,
                contract=contract,
                ledger=ledger,
                file_name=upload.name,
                data=upload.read(services.max_bytes() + 1),  # never more: the service refuses a larger one
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("ledgers:import_status", pk=kept.pk)
    return render(
        request,
        "ledgers/imports/upload.html",
        {
            "contract": contract,
            "ledger": ledger,
            "ledger_label": ImportLedger(ledger).label,
            "back": LEDGER_PAGES[ledger],
            "template_url": TEMPLATE_URLS[ledger],
            "form": form,
            "max_rows": services.max_rows(),
        },
    )


@login_required
def import_template(request, pk: int, ledger: str):
    """The template to fill in (no data: nothing is put on the record)."""
    _keeping_contract_or_404(request, pk)
    response = HttpResponse(build_template(services.SPECS[ledger]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAMES[ledger]}"'
    return response


@login_required
@require_POST
def import_apply(request, pk: int):
    # The file is the worker's to read: the request only queues the apply.
    kept = get_import_or_404(request, pk, with_file=False)
    import_runs.import_queue(
        actor=request.user,
        actor_membership=request.membership,
        ledger_import=kept,
        language=request.LANGUAGE_CODE,
    )
    return redirect("ledgers:import_status", pk=kept.pk)


@login_required
def import_status(request, pk: int):
    """Where the preview or the apply is: htmx polls the fragment while one waits or runs; without
    JavaScript the page reloads itself (<noscript> refresh) and offers a plain link to do so. Then
    the preview's rows with the apply, or the errors, or the rows imported."""
    kept = get_import_or_404(request, pk, with_file=False)
    label = ImportLedger(kept.ledger).label
    errors = kept.error_list if kept.state == kept.State.FAILED else []
    rows = kept.preview_rows if kept.state == kept.State.PREVIEWED else []
    if errors or rows:
        # They quote the file's cells and the roster's names: on the record, as a ledger's page
        # is, once for each response that shows them. A poll while a run waits or runs shows no
        # name and records nothing; the poll that brings the outcome shows them and records it,
        # and polling stops there (the fragment of an outcome has no hx-trigger).
        personal_data_read(
            kind=events.LEDGER_IMPORT_VIEWED,
            actor=request.user,
            obj=kept,
            contract_id=kept.contract_id,
            data={"ledger": kept.ledger, "errors": len(errors)}
            if errors
            else {"ledger": kept.ledger, "rows": len(rows)},
        )
    context = {
        "contract": kept.contract,
        "kept": kept,
        "ledger_label": label,
        "back": LEDGER_PAGES[kept.ledger],
        "upload": UPLOAD_URLS[kept.ledger],
        "poll_seconds": POLL_SECONDS,
        "errors": errors,
        "rows": rows,
        "headings": [column.header for column in services.SPECS[kept.ledger].columns],
        "numbered": kept.ledger == ImportLedger.INFORMATION,
        "imported": _("%(n)s rows were imported into the %(ledger)s.")
        % {"n": kept.imported_rows, "ledger": label},
    }
    # htmx asks for the fragment only; the same template renders the page around it.
    template = (
        "ledgers/imports/_status.html" if request.headers.get("HX-Request") else "ledgers/imports/status.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def import_discard(request, pk: int):
    kept = get_import_or_404(request, pk, with_file=False)
    try:
        services.import_discard(actor=request.user, ledger_import=kept)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ledgers:import_status", pk=kept.pk)
    messages.info(request, _("The file was discarded; nothing was imported."))
    return redirect(LEDGER_PAGES[kept.ledger], pk=kept.contract_id)
