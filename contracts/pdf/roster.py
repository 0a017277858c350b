"""The roster as a PDF form (名簿): printed as of any date, pre-filled for the roster duties."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.utils import timezone, translation

from clauses import api as clauses_api
from contracts import events
from contracts.models import Contract, Employment, RosterEntry
from contracts.selectors.roster import (
    open_change,
    people_on,
    roster_in_force,
    roster_in_force_before,
    roster_needs_prior_approval,
)
from core import pdf
from core.approvals import ApprovalState

ROSTER_FORM = "contracts.roster"


def _script(char: str) -> str:
    if "\u30a0" <= char <= "\u30ff" or char == "ー":
        return "katakana"
    if "\u3040" <= char <= "\u309f":
        return "hiragana"
    if "\u4e00" <= char <= "\u9fff" or char == "々":
        return "kanji"
    return "other"


def label_words(label: str) -> list[str]:
    """A Japanese label cut into its words where the script changes (「情報」「セキュリティ」「責任者」),
    a hiragana run staying with the word before it (「再委託先の」「従事者」), a middle dot ending one
    (「パート・」「アルバイト」).

    The form prints each word unbroken, so a narrow column wraps a label between its words
    (「情報セキュリティ／責任者」), never inside one (「責任／者」)."""
    words: list[str] = []
    previous = ""
    for char in label:
        script = _script(char)
        if words and previous != "・" and (script == previous or script in ("hiragana", "other")):
            words[-1] += char
        else:
            words.append(char)
        # A middle dot ends a word (「パート・」「アルバイト」), staying with the word it ends.
        previous = "・" if char == "・" else script
    return words


def _wording(contract: Contract, *, needs_approval: bool, change, first: bool) -> tuple[str, str]:
    """The heading and the opening sentence, in the words of the clauses' mode (the paper forms'
    「名簿（承認申請）」 where the roster is approved in advance, 「届出」 where notice is enough)."""
    about = contract.clause_template.title
    if change is None:
        # A print of a day's roster applies for nothing: it says what was approved or notified.
        if needs_approval:
            return (
                "業務従事者名簿",
                f"次の契約に係る業務に従事する者として承認を受けた者は、下記のとおりです（{about}に基づく承認）。",
            )
        return (
            "業務従事者名簿",
            f"次の契約に係る業務に従事する者として届け出た者は、下記のとおりです（{about}に基づく届出）。",
        )
    if needs_approval and first:
        return (
            "業務従事者名簿（承認申請）",
            f"次の契約に係る業務に従事する者を下記のとおり定めましたので、承認をお願いします（{about}に基づく申請）。",
        )
    if needs_approval:
        return (
            f"業務従事者名簿（変更承認申請 第{change.number}号）",
            f"次の契約に係る業務に従事する者を下記のとおり変更したいので、変更の前に承認をお願いします（{about}に基づく申請）。",
        )
    if first:
        return (
            "業務従事者名簿（届出）",
            f"次の契約に係る業務に従事する者を下記のとおり定めましたので、届け出ます（{about}に基づく届出）。",
        )
    return (
        f"業務従事者名簿（変更届出 第{change.number}号）",
        f"次の契約に係る業務に従事する者を下記のとおり変更しましたので、届け出ます（{about}に基づく届出）。",
    )


def roster_context(contract: Contract, *, on: date | None = None, pending_change=None) -> dict:
    """The roster in force on `on` (the people whose work period includes that day), or — with
    pending_change — the roster as it becomes with that change (the application or notice)."""
    on = on or timezone.localdate()
    template = contract.clause_template
    change = pending_change
    needs_approval = change.needs_approval if change is not None else roster_needs_prior_approval(contract)
    first = change is not None and not roster_in_force_before(change)
    # Role and employment labels are printed in Japanese whatever the viewer's language.
    with translation.override("ja"):
        if change is None:
            entries = list(people_on(contract, on))
        else:
            # An application names everyone it will put on the roster, also those starting later.
            entries = list(roster_in_force(contract, on, pending=True))
        removed = (
            list(change.entries.filter(action=RosterEntry.Action.REMOVE).select_related("person"))
            if change is not None
            else []
        )
        # The roles the template declares are printed by its own labels after the built-in one.
        declared = clauses_api.declared_roster_roles(contract)
        for entry in [*entries, *removed]:
            further = [declared[code] for code in entry.declared_roles or [] if code in declared]
            entry.role_words = label_words("、".join([str(entry.get_role_display()), *further]))
            entry.employment_words = label_words(str(entry.person.get_employment_display()))
            entry.kind_of_change = (
                _CHANGE_WORDS[entry.action] if change is not None and entry.change_id == change.pk else ""
            )
    heading, intro = _wording(contract, needs_approval=needs_approval, change=change, first=first)
    return {
        "contract": contract,
        "change": change,
        "entries": entries,
        "removed": removed,
        # A later change marks what it adds or changes, as the paper forms' 区分 column does.
        "show_kind": change is not None and not first,
        "needs_approval": needs_approval,
        "has_dispatch": any(e.person.employment == Employment.DISPATCH for e in entries),
        "as_of": on,
        "issued_on": timezone.localdate(),
        "heading": heading,
        "intro": intro,
        "client_word": clauses_api.party_words(template).client,
        "contractor_word": clauses_api.party_words(template).contractor,
    }


_CHANGE_WORDS = {
    RosterEntry.Action.ADD: "追加",
    RosterEntry.Action.UPDATE: "変更",
    RosterEntry.Action.REMOVE: "削除",
}


def roster_for_duty(duty) -> dict:
    """The roster duty's form: the open change's application (or notice), else today's roster.

    Both sides open a duty's form, and a draft is the contractor's until submitted: a draft
    change is not printed here (the contractor prints it from the change's page)."""
    change = open_change(duty.contract)
    if change is not None and change.approval_state == ApprovalState.DRAFT:
        change = None
    return roster_context(duty.contract, pending_change=change)


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
