"""The roster as a PDF form (名簿): printed as of any date, pre-filled for the roster duties."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.utils import timezone, translation

from clauses import api as clauses_api
from contracts import events
from contracts.models import Contract
from contracts.selectors.roster import roster_in_force
from core import pdf

ROSTER_FORM = "contracts.roster"


def roster_context(contract: Contract, *, on: date | None = None, pending_change=None) -> dict:
    """The roster in force on `on`, or — with pending_change — as it becomes with that change."""
    on = on or timezone.localdate()
    template = contract.clause_template
    # Role and employment labels are printed in Japanese whatever the viewer's language.
    with translation.override("ja"):
        entries = list(roster_in_force(contract, on, pending=pending_change is not None))
        for entry in entries:
            entry.get_role_display = str(entry.get_role_display())
            entry.person.get_employment_display = str(entry.person.get_employment_display())
    return {
        "contract": contract,
        "entries": entries,
        "as_of": on,
        "issued_on": timezone.localdate(),
        "heading": "業務従事者名簿"
        if pending_change is None
        else f"業務従事者名簿（変更 第{pending_change.number}号）",
        "intro": f"次の契約に係る業務に従事する者は、下記のとおりです（{template.title}に基づく届出）。",
        "client_word": clauses_api.party_words(template).client,
        "contractor_word": clauses_api.party_words(template).contractor,
    }


def roster_for_duty(duty) -> dict:
    return roster_context(duty.contract)


def roster_pdf_response(contract: Contract, *, on: date) -> HttpResponse:
    data = pdf.render_form(ROSTER_FORM, roster_context(contract, on=on))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="roster-{contract.pk}-{on.isoformat()}.pdf"'
    return response


# Seconds per roster row and fixed cost, measured with the bench (docs/performance.md); only
# used for the progress bar of a roster prepared in Celery.
ROSTER_SECONDS_PER_ROW = 0.02
ROSTER_SECONDS_FIXED = 0.5


def roster_export_params(contract: Contract, *, on: date) -> dict:
    """What a roster export needs to be rebuilt by the worker: ids and the date, no names."""
    return {"contract": contract.pk, "on": on.isoformat()}


def _export_contract(params: dict) -> Contract:
    return Contract.objects.select_related("public_body", "contractor", "clause_template", "data_key").get(
        pk=params["contract"]
    )


def _roster_export_context(params: dict) -> dict:
    return roster_context(_export_contract(params), on=date.fromisoformat(params["on"]))


def _roster_export_allowed(user, membership, params: dict) -> bool:
    from contracts.selectors.contracts import contracts_visible_to

    return contracts_visible_to(user, membership).filter(pk=params["contract"]).exists()


def register_exports() -> None:
    from core.services.exports import ExportKind, register_export

    register_export(
        ExportKind(
            kind=ROSTER_FORM,
            form_id=ROSTER_FORM,
            context=_roster_export_context,
            data_key=lambda params: _export_contract(params).data_key,
            authorise=_roster_export_allowed,
            # The same read as the synchronous print (contracts.views.roster.roster_pdf).
            read_kind=events.ROSTER_PRINTED,
            read_object=lambda params: ("contracts.contract", str(params["contract"])),
            read_data=lambda params: {"on": params["on"]},
            estimate=lambda context: ROSTER_SECONDS_FIXED + ROSTER_SECONDS_PER_ROW * len(context["entries"]),
        )
    )


def register() -> None:
    register_exports()
    pdf.register_form(
        ROSTER_FORM,
        template_name="pdf/contracts/roster.html",
        title="業務従事者名簿",
        prefill=roster_for_duty,
    )
