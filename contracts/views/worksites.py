"""Pages of the work sites (作業場所): the approved sites on any date, a change and its decision,
the site forms, the application PDF and the secure-area rules. Thin: access, form, service."""

from __future__ import annotations

import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import events, permissions
from contracts.access import (
    get_contract_or_404,
    get_editable_worksite_change_or_404,
    get_worksite_change_or_404,
)
from contracts.forms.worksites import (
    STORAGE_PREFIX,
    SecureAreaRulesForm,
    StoragePlaceFormSet,
    WorksiteAsOfForm,
    WorksiteForm,
    storage_rows,
)
from contracts.models import Worksite, WorksiteChange, WorksiteEntry, WorksiteKind
from contracts.pdf.worksites import WORKSITE_FORM, worksite_context
from contracts.selectors.contracts import unless_draft_for, without_drafts_for
from contracts.selectors.worksites import (
    assignable_people,
    change_entries,
    current_entries,
    draft_or_current_entry,
    open_change,
    previously_approved,
    rules_acknowledgements,
    sites_in_force,
    worksite_changes,
    worksites_need_prior_approval,
)
from contracts.services import worksites as services
from core.approvals import EDITABLE
from core.services.reads import personal_data_read
from core.views.approvals import approval_action, approval_context
from core.views.pdf import frozen_or_live_pdf
from core.views.utils import apply_validation_error, save_form

PAGE_SIZE = 50
_STORAGE_KEY = re.compile(rf"^{STORAGE_PREFIX}-(\d+)-(\w+)$")


def _names_shown(request, obj, contract, entries, **data) -> None:
    """People's names are personal data: a page that shows any is on the record."""
    if any(entry.assignments.all() for entry in entries):
        personal_data_read(
            kind=events.WORKSITE_VIEWED, actor=request.user, obj=obj, contract_id=contract.pk, data=data
        )


def _list_page(request, contract, *, rules_form=None):
    form = WorksiteAsOfForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data["on"] else timezone.localdate()
    page = Paginator(sites_in_force(contract, on), PAGE_SIZE).get_page(request.GET.get("page"))
    _names_shown(request, contract, contract, page.object_list, on=on.isoformat(), page=page.number)
    can_edit = permissions.can_edit_worksites(request.user, request.membership, contract)
    acknowledgements = list(rules_acknowledgements(contract)[:10])
    # The public body's secure-area rules matter where work happens on its premises (003 §15.1).
    secure_area = (
        contract.on_premises
        or bool(acknowledgements)
        or any(e.kind == WorksiteKind.PUBLIC_BODY_PREMISES for e in page.object_list)
    )
    if can_edit and rules_form is None:
        rules_form = SecureAreaRulesForm(initial={"received_on": timezone.localdate()})
    return render(
        request,
        "contracts/worksites/list.html",
        {
            "contract": contract,
            "page": page,
            "on": on,
            "form": form,
            # Drafts are the contractor's until submitted (the body's side sees them then).
            "changes": without_drafts_for(request.user, request.membership, worksite_changes(contract))[:20],
            "open_change": unless_draft_for(request.user, request.membership, open_change(contract)),
            "can_edit": can_edit,
            "acknowledgements": acknowledgements,
            "secure_area": secure_area,
            "rules_form": rules_form if can_edit else None,
            # Approved in advance, or notified only: as the adopted clauses say.
            "needs_approval": worksites_need_prior_approval(contract),
        },
    )


@login_required
def worksites(request, pk: int):
    """The work sites approved at the end of a day (today), with their storage places and people."""
    return _list_page(request, get_contract_or_404(request, pk))


@login_required
@require_POST
def worksite_change_open(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_edit_worksites(request.user, request.membership, contract):
        raise Http404
    try:
        change = services.worksite_change_open(
            actor=request.user, actor_membership=request.membership, contract=contract
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("contracts:worksites", pk=contract.pk)
    return redirect("contracts:worksite_change", pk=change.pk)


@login_required
def worksite_change(request, pk: int):
    change = get_worksite_change_or_404(request, pk)
    contract = change.contract
    workflow = approval_context(request, change)
    entries = list(change_entries(change))
    editable = change.approval_state in EDITABLE
    drafted = {e.worksite_id for e in entries}
    approved_now = (
        [
            e
            for e in current_entries(contract)
            if e.action != WorksiteEntry.Action.REMOVE and e.worksite_id not in drafted
        ]
        if workflow["can_edit"]
        else []
    )
    _names_shown(request, change, contract, entries, change=change.number)
    # Said before the manager presses submit, beside the sites to fix (the submission refuses too).
    articles = services.locked_storage_articles(contract) if editable else ""
    missing = {e.worksite_id for e in services.missing_locked_storage(entries)} if articles else set()
    return render(
        request,
        "contracts/worksites/change.html",
        {
            "change": change,
            "contract": contract,
            "entries": entries,
            "storage_articles": articles,
            "missing_storage": missing,
            "approved_now": approved_now,
            "frozen": change.submitted_pdf_id is not None and not editable,
            **workflow,
        },
    )


def _apply_errors(form, formset, rows, exc: ValidationError) -> None:
    """A service error lands on the field that caused it: the site's, a storage place's row, or
    the storage places as a whole (shown at the top of their fieldset)."""
    if not hasattr(exc, "error_dict"):
        apply_validation_error(form, exc)
        return
    rest = {}
    for key, errors in exc.error_dict.items():
        match = _STORAGE_KEY.match(key)
        if key == STORAGE_PREFIX:
            # non_form_errors() hands back the formset's own list: adding to it shows there.
            formset.non_form_errors().extend(message for error in errors for message in error.messages)
        elif match and int(match.group(1)) < len(rows):
            row_form, field = rows[int(match.group(1))][0], match.group(2)
            for error in errors:
                row_form.add_error(field if field in row_form.fields else None, error)
        else:
            rest[key] = errors
    if rest:
        apply_validation_error(form, ValidationError(rest))


def _site_form_page(request, change: WorksiteChange, *, entry: WorksiteEntry | None):
    people = assignable_people(change.contract)
    initial, storage_initial = {}, []
    if entry is not None:
        initial = {name: getattr(entry, name) for name in services.SITE_FIELDS}
        initial["people"] = [a.person_id for a in entry.assignments.all()]
        storage_initial = [
            {"name": p.name, "protection": p.protection, "description": p.description}
            for p in entry.storage_places.all()
        ]
    form = WorksiteForm(request.POST or None, initial=initial, people_queryset=people)
    formset = StoragePlaceFormSet(request.POST or None, initial=storage_initial, prefix=STORAGE_PREFIX)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = storage_rows(formset)
        data = dict(form.cleaned_data)
        kwargs = {
            "actor": request.user,
            "actor_membership": request.membership,
            "change": change,
            "storage_places": [values for _form, values in rows],
            **data,
        }
        try:
            if entry is None:
                services.worksite_add(**kwargs)
            else:
                services.worksite_update(worksite=entry.worksite, **kwargs)
        except ValidationError as exc:
            _apply_errors(form, formset, rows, exc)
        else:
            messages.success(request, _("%(name)s was put in the change.") % {"name": data["name"]})
            return redirect("contracts:worksite_change", pk=change.pk)
    # The form lists the roster's names: showing it is a view of personal data.
    if people.exists():
        personal_data_read(
            kind=events.WORKSITE_VIEWED,
            actor=request.user,
            obj=change,
            contract_id=change.contract_id,
            data={"change": change.number, "form": "site"},
        )
    return render(
        request,
        "contracts/worksites/site_form.html",
        {
            "change": change,
            "contract": change.contract,
            "form": form,
            "formset": formset,
            "entry": entry,
            "storage_articles": services.locked_storage_articles(change.contract),
        },
    )


@login_required
def worksite_add(request, pk: int):
    change = get_editable_worksite_change_or_404(request, pk)
    return _site_form_page(request, change, entry=None)


@login_required
def worksite_edit(request, pk: int, site_pk: int):
    change = get_editable_worksite_change_or_404(request, pk)
    entry = draft_or_current_entry(change, site_pk)
    if entry is None:
        raise Http404
    return _site_form_page(request, change, entry=entry)


@login_required
@require_POST
def worksite_remove(request, pk: int, site_pk: int):
    change = get_editable_worksite_change_or_404(request, pk)
    worksite = get_object_or_404(Worksite, pk=site_pk, contract=change.contract)
    try:
        services.worksite_remove(
            actor=request.user, actor_membership=request.membership, change=change, worksite=worksite
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("contracts:worksite_change", pk=change.pk)


@login_required
@require_POST
def worksite_entry_discard(request, pk: int, site_pk: int):
    change = get_editable_worksite_change_or_404(request, pk)
    worksite = get_object_or_404(Worksite, pk=site_pk, contract=change.contract)
    try:
        services.worksite_entry_discard(
            actor=request.user, actor_membership=request.membership, change=change, worksite=worksite
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("contracts:worksite_change", pk=change.pk)


@login_required
@require_POST
def worksite_change_act(request, pk: int):
    change = get_worksite_change_or_404(request, pk)
    return approval_action(
        request,
        change,
        act=lambda **kw: services.worksite_change_act(change=change, **kw),
        redirect_to="contracts:worksite_change",
    )


@login_required
def worksite_change_pdf(request, pk: int):
    """The application: exactly as submitted once it was (frozen), a preview while in draft."""
    change = get_worksite_change_or_404(request, pk)
    if change.needs_approval:
        heading = "作業場所変更承認申請書" if previously_approved(change) else "作業場所承認申請書"
    else:
        heading = "作業場所変更届" if previously_approved(change) else "作業場所届"
    name = f"{heading}_{change.contract.number}_第{change.number}号"
    return frozen_or_live_pdf(
        request, change, WORKSITE_FORM, lambda: worksite_context(change.contract, change=change), name
    )


@login_required
@require_POST
def secure_area_rules_acknowledge(request, pk: int):
    contract = get_contract_or_404(request, pk)
    if not permissions.can_edit_worksites(request.user, request.membership, contract):
        raise Http404
    form = SecureAreaRulesForm(request.POST)
    acknowledge = partial(services.secure_area_rules_acknowledge, contract=contract)
    if save_form(request, form, acknowledge, success=_("The acknowledgement of the rules was recorded.")):
        return redirect("contracts:worksites", pk=contract.pk)
    return _list_page(request, contract, rules_form=form)
