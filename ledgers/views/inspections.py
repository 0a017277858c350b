"""Pages of the inspections (点検, 000 §5.6(6), 002 §10(2)): a contract's inspections newest first
with their result and open findings, recording one (a row per check, its findings), an
inspection's page with its findings and 是正を記録する on each open one, and recording that
correction. Thin: access, form, service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services.reads import personal_data_read
from core.views.utils import apply_validation_error, save_form
from ledgers import events, permissions
from ledgers.access import get_finding_or_404, get_inspection_or_404, get_ledger_contract_or_404
from ledgers.forms.inspections import CorrectionForm, FindingFormSet, InspectionForm
from ledgers.models import Check, CheckResult, InspectionResult
from ledgers.selectors.inspections import findings_of, inspections_visible_to
from ledgers.services import inspections as services

PAGE_SIZE = 50
RESULT_LABELS = dict(CheckResult.choices)
OVERALL_LABELS = dict(InspectionResult.choices)


def _names_shown(request, contract, **data) -> None:
    """The inspections name their inspectors and their notes may name people: each page that
    shows them is on the record."""
    personal_data_read(
        kind=events.INSPECTIONS_VIEWED, actor=request.user, obj=contract, contract_id=contract.pk, data=data
    )


def _can_record(request, contract) -> bool:
    return permissions.can_keep_devices(request.user, request.membership, contract)


@login_required
def inspection_list(request, pk: int):
    contract = get_ledger_contract_or_404(request, pk)
    found = inspections_visible_to(request.user, request.membership, contract)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    _names_shown(request, contract, inspections=page.number)
    return render(
        request,
        "ledgers/inspections/list.html",
        {
            "contract": contract,
            "page": page,
            "can_record": _can_record(request, contract),
            "overall_labels": OVERALL_LABELS,
        },
    )


@login_required
def inspection_record(request, pk: int):
    contract = get_ledger_contract_or_404(request, pk)
    if not _can_record(request, contract):
        raise Http404
    organisation_id = request.membership.organisation_id
    form = InspectionForm(
        request.POST or None,
        contract=contract,
        organisation_id=organisation_id,
        initial={"inspected_on": timezone.localdate()},
    )
    findings = FindingFormSet(request.POST or None, prefix="findings")
    findings_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and findings.is_valid():
        given = [f.cleaned_data for f in findings.forms if f.cleaned_data and not f.is_blank()]
        try:
            inspection = services.inspection_record(
                actor=request.user,
                actor_membership=request.membership,
                contract=contract,
                findings=given,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            findings_errors = exc.message_dict.pop("findings", []) if hasattr(exc, "error_dict") else []
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The inspection was recorded."))
            return redirect("ledgers:inspection_detail", pk=inspection.pk)
    _names_shown(request, contract, form="inspection")
    return render(
        request,
        "ledgers/inspections/form.html",
        {"contract": contract, "form": form, "findings": findings, "findings_errors": findings_errors},
    )


@login_required
def inspection_detail(request, pk: int):
    inspection = get_inspection_or_404(request, pk)
    contract = inspection.contract
    findings = findings_of(inspection)
    can_correct = (
        _can_record(request, contract) and request.membership.organisation_id == inspection.organisation_id
    )
    _names_shown(request, contract, inspection=inspection.pk)
    return render(
        request,
        "ledgers/inspections/detail.html",
        {
            "contract": contract,
            "inspection": inspection,
            "checks": [
                (
                    label,
                    RESULT_LABELS[getattr(inspection, f"{check}_result")],
                    getattr(inspection, f"{check}_note"),
                )
                for check, label in Check.choices
            ],
            "items": list(inspection.items.order_by("number")),
            "devices": list(inspection.devices.order_by("asset_number")),
            "findings": findings,
            "can_correct": can_correct,
            "overall_labels": OVERALL_LABELS,
        },
    )


@login_required
def finding_correct(request, pk: int):
    finding = get_finding_or_404(request, pk)
    inspection = finding.inspection
    contract = inspection.contract
    if not (
        _can_record(request, contract) and request.membership.organisation_id == inspection.organisation_id
    ):
        raise Http404
    if hasattr(finding, "correction"):
        messages.info(request, _("This finding's correction is already recorded."))
        return redirect("ledgers:inspection_detail", pk=inspection.pk)
    form = CorrectionForm(
        request.POST or None,
        contract=contract,
        organisation_id=inspection.organisation_id,
        initial={"corrected_on": timezone.localdate()},
    )
    saved = save_form(
        request,
        form,
        lambda **kw: services.finding_correct(finding=finding, **kw),
        success=_("The correction was recorded."),
    )
    if saved is not None:
        return redirect("ledgers:inspection_detail", pk=inspection.pk)
    _names_shown(request, contract, finding=finding.pk, form="correction")
    return render(
        request,
        "ledgers/inspections/correct.html",
        {"contract": contract, "inspection": inspection, "finding": finding, "form": form},
    )
