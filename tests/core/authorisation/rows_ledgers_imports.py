"""Authorisation-matrix rows of the device ledger's downloads and of the ledgers' import from
Excel (ledgers:device_ledger_*, ledgers:*_import*): see tests/core/authorisation/__init__.py.

The device ledger as xlsx and as PDF is for everyone who reads the contract's device ledger (a
subcontractor its own part, as for the list).

Importing is for those who record on the ledger: the contractor's managers and staff on their own
running contract (an approved subcontractor's for its own part), everyone else getting the 404 of
a missing page — the upload page, its template and the upload itself. An uploaded file is its
uploader's alone: per side the world holds one, uploaded by the side's contractor manager (a sheet
with the headings and no row) and put in the state its preview leaves a good file in (previewed,
here with no row: the preview itself is the worker's, tests/ledgers/test_import_runs.py), so its
status page (which shows the preview) answers 200 to side a's manager and 404 to everyone else,
the contractor's staff included; applying it queues it for Celery (R to its status page, the
import's state changed; the task runs on commit, which the matrix's transaction never reaches)
for that manager alone; discarding it removes it.

The upload pages answer GET and POST: MATRIX holds their GET cells, post_rows their POST cells
(with a state snapshot: an R must have written, a refusal nothing).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from core.spreadsheets import build_template
from ledgers.models import LedgerImport
from ledgers.services.imports import import_upload
from ledgers.spreadsheets.information import IMPORT_SPEC

LABELS = ("a", "b")
# The contractor's managers and staff, on their own contract; nobody else.
KEEPERS = """
                  contract_a contract_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  {ok}        404
contractor_staff  {ok}        404
"""
# The uploader (side a's contractor manager) alone.
UPLOADER = """
                  import_a   import_b
anonymous         L          L
site_admin        404        404
client_admin      404        404
client_staff      404        404
auditor           404        404
contractor_admin  {ok}        404
contractor_staff  404        404
"""


def extend_world(mw) -> None:
    """One uploaded file per side, by the side's contractor manager: the template, no row,
    previewed."""
    found = {}
    for label in LABELS:
        manager = getattr(mw.world, label).contractor_admin
        kept = import_upload(
            actor=manager.user,
            actor_membership=manager,
            contract=mw.contracts[f"contract_{label}"],
            ledger="information",
            file_name="台帳.xlsx",
            data=build_template(IMPORT_SPEC),
        )
        LedgerImport.objects.filter(pk=kept.pk).update(state=LedgerImport.State.PREVIEWED, errors="")
        found[f"import_{label}"] = kept
    mw.extra["imports"] = found


IMPORTS = {f"import_{k}": (lambda mw, k=k: {"pk": mw.extra["imports"][f"import_{k}"].pk}) for k in LABELS}


def _upload_data(mw, user, label: str) -> dict:
    return {"file": SimpleUploadedFile("台帳.xlsx", build_template(IMPORT_SPEC))}


def _uploads_on(mw, label: str) -> list[int]:
    return sorted(LedgerImport.objects.filter(contract=mw.contracts[label]).values_list("pk", flat=True))


def _kept(mw, label: str) -> bool:
    return LedgerImport.objects.filter(pk=mw.extra["imports"][label].pk).exists()


def _state(mw, label: str) -> str | None:
    return (
        LedgerImport.objects.filter(pk=mw.extra["imports"][label].pk).values_list("state", flat=True).first()
    )


def _fake_pdf(form_id, context) -> bytes:
    return b"%PDF-1.7 matrix"


def rows(m) -> dict:
    from tests.core.matrix_subcontracts import SUBCONTRACTOR_OWN

    for name in (
        "ledgers:device_ledger_xlsx",
        "ledgers:device_ledger_pdf",
        "ledgers:device_import",
        "ledgers:device_import_template",
        "ledgers:information_import",
        "ledgers:information_import_template",
    ):
        SUBCONTRACTOR_OWN[(name, "contract_a")] = {"sub_admin": "200", "sub_staff": "200"}
    readers = m.CONTRACT_READERS.format(a="contract_a", b="contract_b")
    return {
        "ledgers:device_ledger_xlsx": m.Row(readers, targets=m.CONTRACTS),
        "ledgers:device_ledger_pdf": m.Row(
            readers, targets=m.CONTRACTS, patches={"core.pdf.render_form": _fake_pdf}
        ),
        "ledgers:device_import": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:device_import_template": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:information_import": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:information_import_template": m.Row(KEEPERS.format(ok=200), targets=m.CONTRACTS),
        "ledgers:import_apply": m.Row(UPLOADER.format(ok="R"), method=m.POST, targets=IMPORTS, state=_state),
        "ledgers:import_status": m.Row(UPLOADER.format(ok=200), targets=IMPORTS),
        "ledgers:import_discard": m.Row(UPLOADER.format(ok="R"), method=m.POST, targets=IMPORTS, state=_kept),
    }


def post_rows(m) -> dict:
    """The POST cells of the upload pages, which keep the file and queue its preview."""
    return {
        name: m.Row(
            KEEPERS.format(ok="R"), method=m.POST, targets=m.CONTRACTS, data=_upload_data, state=_uploads_on
        )
        for name in ("ledgers:device_import", "ledgers:information_import")
    }
