from datetime import date
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import events, permissions
from contracts.access import get_contract_or_404, get_roster_change_or_404
from contracts.forms.people import AsOfForm, EntryChangeForm, PersonForm, RosterImportForm
from contracts.models import Person, RosterEntry
from contracts.pdf.roster import ROSTER_FORM, roster_export_params, roster_pdf_response
from contracts.selectors.contracts import unless_draft_for, without_drafts_for
from contracts.selectors.roster import (
    current_entries,
    open_change,
    people_on,
    roster_changes,
    roster_form_clauses,
    roster_needs_prior_approval,
    with_further_roles,
)
from contracts.selectors.subcontracts import approved_subcontractors
from contracts.services import roster as roster_services
from contracts.spreadsheets.roster import ROSTER_SPEC, roster_export, roster_import
from core.files import file_response
from core.pdf import pdf_sha256
from core.services.exports import export_request
from core.services.reads import personal_data_read
from core.spreadsheets import SpreadsheetError, build_template
from core.views.approvals import approval_action, approval_context
from core.views.utils import save_form

PAGE_SIZE = 100


@login_required
def roster(request, pk: int):
    contract = get_contract_or_404(request, pk)
    form, on = _as_of(request.GET)
    page = Paginator(people_on(contract, on), PAGE_SIZE).get_page(request.GET.get("page"))
    # The roles the template declares, by its labels (授受担当者).
    page.object_list = with_further_roles(page.object_list, contract)
    # Names of people are personal data: every view of the roster is on the record.
    personal_data_read(
        kind=events.ROSTER_VIEWED,
        actor=request.user,
        obj=contract,
        contract_id=contract.pk,
        data={"on": on.isoformat(), "page": page.number},
    )
    return render(
        request,
        "contracts/roster/list.html",
        {
            "contract": contract,
            "page": page,
            "on": on,
            "form": form,
            # Drafts are the contractor's until submitted (the body's side sees them then).
            "changes": without_drafts_for(request.user, request.membership, roster_changes(contract))[:20],
            "open_change": unless_draft_for(request.user, request.membership, open_change(contract)),
            "can_edit": permissions.can_edit_roster(request.user, request.membership, contract),
            # The words of the changes' states and dates follow the clauses: approval or notice.
            "needs_approval": roster_needs_prior_approval(contract),
            "pdf_in_background": pdf_in_background(page.paginator.count),
        },
    )


def pdf_in_background(people: int) -> bool:
    """Whether a roster of this many people is printed in Celery rather than in the request.

    A fully filled row takes about 20 ms to lay out (docs/performance.md): 100 people stay
    near a second in the web worker, a 500-person roster would hold it for many seconds.
    """
    return people > getattr(settings, "ROSTER_PDF_SYNC_MAX_PEOPLE", 100)


def _as_of(data) -> tuple[AsOfForm, date]:
    """The day a roster is shown for, and the form showing it: the day asked for, else today.

    The field always holds the day used, so the page never names a date its field does not show;
    a date that is not one keeps its error at the field, and today is used."""
    form = AsOfForm(data or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["on"]:
        return form, form.cleaned_data["on"]
    today = timezone.localdate()
    if form.is_bound and not form.is_valid():
        return form, today
    return AsOfForm(initial={"on": today}), today


@login_required
def roster_pdf(request, pk: int):
    """The roster in force on a date, printed (who was approved to work on 2025-06-01?).

    A large roster is prepared in Celery: this page then offers to ask for it (roster_pdf_request).
    """
    contract = get_contract_or_404(request, pk)
    _form, on = _as_of(request.GET)
    people = people_on(contract, on).count()
    if pdf_in_background(people):
        return render(
            request, "contracts/roster/pdf_large.html", {"contract": contract, "on": on, "people": people}
        )
    response = roster_pdf_response(contract, on=on)
    personal_data_read(
        kind=events.ROSTER_PRINTED,
        actor=request.user,
        obj=contract,
        contract_id=contract.pk,
        data={"on": on.isoformat(), "sha256": pdf_sha256(response.content)},
    )
    return response


@login_required
@require_POST
def roster_pdf_request(request, pk: int):
    """Ask for the roster PDF to be prepared in Celery; the status page hands it over."""
    contract = get_contract_or_404(request, pk)
    _form, on = _as_of(request.POST)
    try:
        job = export_request(
            actor=request.user,
            actor_membership=request.membership,
            kind=ROSTER_FORM,
            params=roster_export_params(contract, on=on),
            contract_id=contract.pk,
            download_name=f"業務従事者名簿_{contract.number}_{on.isoformat()}.pdf",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("contracts:roster", pk=contract.pk)
    return redirect("core:export_status", pk=job.pk)


@login_required
@require_POST
def roster_change_open(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_edit_roster(request.user, request.membership, contract):
        raise Http404
    try:
        change = roster_services.roster_change_open(
            actor=request.user, actor_membership=request.membership, contract=contract
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("contracts:roster", pk=contract.pk)
    return redirect("contracts:roster_change", pk=change.pk)


@login_required
def roster_change(request, pk: int):
    change = get_roster_change_or_404(request, pk)
    contract = change.contract
    workflow = approval_context(request, change)
    entries = with_further_roles(
        change.entries.select_related("person", "person__employer")
        .prefetch_related("person__pledges")
        .order_by("action", "pk"),
        contract,
    )
    drafted = {e.person_id for e in entries}
    approved_now = (
        [
            e
            for e in current_entries(contract)
            if e.action != RosterEntry.Action.REMOVE and e.person_id not in drafted
        ]
        if workflow["can_edit"]
        else []
    )
    personal_data_read(
        kind=events.ROSTER_VIEWED,
        actor=request.user,
        obj=change,
        contract_id=contract.pk,
        data={"change": change.number},
    )
    return render(
        request,
        "contracts/roster/change.html",
        {
            "change": change,
            "contract": contract,
            "entries": entries,
            "approved_now": approved_now,
            **workflow,
            "person_form": PersonForm(
                initial={"start_date": contract.work_start_date}, **roster_form_clauses(contract)
            ),
        },
    )


@login_required
def roster_person_add(request, pk: int):
    change = get_roster_change_or_404(request, pk)
    if not permissions.can_edit_roster(request.user, request.membership, change.contract):
        raise Http404
    form = PersonForm(
        request.POST or None,
        initial={"start_date": change.contract.work_start_date},
        subcontractors=approved_subcontractors(change.contract),
        **roster_form_clauses(change.contract),
    )
    added = save_form(
        request,
        form,
        partial(roster_services.roster_person_add, change=change),
        success=lambda row: _("%(name)s was added to the change.") % {"name": row.person.full_name},
    )
    if added:
        return redirect("contracts:roster_change", pk=change.pk)
    return render(request, "contracts/roster/person_form.html", {"change": change, "form": form})


@login_required
def roster_entry_change(request, pk: int, person_pk: int):
    """The person's line in this change, edited with the form that made it: someone the change
    adds, with the form that added them; someone already on the roster, with the change form,
    starting from what is drafted for them (else from the version in force)."""
    change = get_roster_change_or_404(request, pk)
    if not permissions.can_edit_roster(request.user, request.membership, change.contract):
        raise Http404
    person = get_object_or_404(
        Person.objects.select_related("employer"), pk=person_pk, contract=change.contract
    )
    drafted = change.entries.filter(person=person).first()
    if drafted is not None and drafted.action == RosterEntry.Action.ADD:
        return _person_edit(request, change, person, drafted)
    current = current_entries(change.contract).filter(person=person).first()
    if current is None:
        raise Http404
    shown = drafted or current
    form = EntryChangeForm(
        request.POST or None,
        initial={
            "role": shown.role,
            "job_title": shown.job_title,
            "scope_of_work": shown.scope_of_work,
            "planned_end_date": shown.planned_end_date,
            "declared_roles": shown.declared_roles,
            "remove": drafted is not None and drafted.action == RosterEntry.Action.REMOVE,
        },
        declared_roles=roster_form_clauses(change.contract)["declared_roles"],
    )
    changed = partial(roster_services.roster_entry_change, change=change, person=person)
    if save_form(request, form, changed, success=None):
        return redirect("contracts:roster_change", pk=change.pk)
    # The page shows the person's name: a view of personal data, on the record like the roster's.
    personal_data_read(
        kind=events.PERSON_VIEWED, actor=request.user, obj=person, contract_id=change.contract_id
    )
    return render(
        request,
        "contracts/roster/entry_form.html",
        {"change": change, "form": form, "person": person, "current": current},
    )


def _person_edit(request, change, person: Person, drafted: RosterEntry):
    """A person this change adds, corrected with the form that added them (PersonForm)."""
    contract = change.contract
    initial = {name: getattr(drafted, name) for name in roster_services.ENTRY_FIELDS}
    initial.update(
        full_name=person.full_name,
        full_name_kana=person.full_name_kana,
        contact=person.contact,
        employment=person.employment,
        employer=None if person.employer_id == contract.contractor_id else person.employer_id,
    )
    form = PersonForm(
        request.POST or None,
        initial=initial,
        subcontractors=approved_subcontractors(contract),
        **roster_form_clauses(contract),
    )
    edited = partial(roster_services.roster_person_edit, change=change, person=person)
    saved = save_form(
        request,
        form,
        edited,
        success=lambda row: _("The entry of %(name)s was saved.") % {"name": row.person.full_name},
    )
    if saved:
        return redirect("contracts:roster_change", pk=change.pk)
    personal_data_read(kind=events.PERSON_VIEWED, actor=request.user, obj=person, contract_id=contract.pk)
    return render(
        request, "contracts/roster/person_form.html", {"change": change, "form": form, "person": person}
    )


@login_required
@require_POST
def roster_entry_discard(request, pk: int, person_pk: int):
    change = get_roster_change_or_404(request, pk)
    if not permissions.can_edit_roster(request.user, request.membership, change.contract):
        raise Http404
    person = get_object_or_404(Person, pk=person_pk, contract=change.contract)
    try:
        roster_services.roster_entry_discard(
            actor=request.user, actor_membership=request.membership, change=change, person=person
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("contracts:roster_change", pk=change.pk)


@login_required
@require_POST
def roster_change_act(request, pk: int):
    change = get_roster_change_or_404(request, pk)
    return approval_action(
        request,
        change,
        act=lambda **kw: roster_services.roster_change_act(change=change, **kw),
        redirect_to="contracts:roster_change",
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def roster_xlsx_template(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_edit_roster(request.user, request.membership, contract):
        raise Http404
    return _xlsx(build_template(ROSTER_SPEC), f"roster-template-{contract.pk}.xlsx")


@login_required
def roster_xlsx_export(request, pk: int):
    contract = get_contract_or_404(request, pk)
    _form, on = _as_of(request.GET)
    data = roster_export(people_on(contract, on))
    personal_data_read(
        kind=events.ROSTER_EXPORTED,
        actor=request.user,
        obj=contract,
        contract_id=contract.pk,
        data={"on": on.isoformat(), "format": "xlsx"},
    )
    return _xlsx(data, f"roster-{contract.pk}-{on.isoformat()}.xlsx")


@login_required
def roster_xlsx_import(request, pk: int):
    change = get_roster_change_or_404(request, pk)
    if not permissions.can_edit_roster(request.user, request.membership, change.contract):
        raise Http404
    form = RosterImportForm(request.POST or None, request.FILES or None)
    cell_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = roster_import(
                actor=request.user,
                actor_membership=request.membership,
                change=change,
                data=form.cleaned_data["file"].read(),
            )
        except SpreadsheetError as exc:
            cell_errors = exc.cell_errors
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("%(n)s people were added from the sheet.") % {"n": len(created)})
            return redirect("contracts:roster_change", pk=change.pk)
    return render(
        request, "contracts/roster/import.html", {"change": change, "form": form, "cell_errors": cell_errors}
    )


@login_required
def roster_change_pdf(request, pk: int):
    """The roster exactly as it was submitted (frozen with its SHA-256)."""
    change = get_roster_change_or_404(request, pk)
    if change.submitted_pdf is None:
        raise Http404
    return file_response(
        request=request,
        stored=change.submitted_pdf,
        download_name=f"業務従事者名簿_{change.contract.number}_第{change.number}号",
    )
