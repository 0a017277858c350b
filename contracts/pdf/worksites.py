"""The work-site application as a PDF form (contracts.worksite)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from clauses import api as clauses_api
from contracts.models import Contract, WorksiteChange, WorksiteEntry, WorksiteKind
from contracts.selectors.worksites import (
    change_entries,
    open_change,
    previously_approved,
    sites_in_force,
    sites_with_change,
)
from core import pdf

WORKSITE_FORM = "contracts.worksite"

# --- the PDF form: 作業場所（変更）承認申請書 / 作業場所一覧 -----------------------------------------


def worksite_context(
    contract: Contract, *, change: WorksiteChange | None = None, on: date | None = None
) -> dict:
    """The application for `change` (the sites as they become with it), or — without a change —
    the list of the sites approved at the end of `on` (today)."""
    template = contract.clause_template
    about = f"{template.title}に基づく"
    if change is not None:
        sites = list(sites_with_change(change))
        removed = [e for e in change_entries(change) if e.action == WorksiteEntry.Action.REMOVE]
        first = not previously_approved(change)
        if change.needs_approval:
            heading = "作業場所承認申請書" if first else "作業場所変更承認申請書"
            intro = (
                f"次の契約に係る業務で情報を取り扱う作業場所を下記のとおり定めましたので、"
                f"業務の着手前に承認をお願いします（{about}申請）。"
                if first
                else f"次の契約に係る業務の作業場所を下記のとおり変更したいので、"
                f"変更の前に承認をお願いします（{about}申請）。"
            )
        else:
            # The clauses ask no approval of the sites: the form is a notice (届出), not an application.
            heading = "作業場所届" if first else "作業場所変更届"
            intro = (
                f"次の契約に係る業務で情報を取り扱う作業場所を下記のとおり定めましたので、届け出ます（{about}届出）。"
                if first
                else f"次の契約に係る業務の作業場所を下記のとおり変更しますので、届け出ます（{about}届出）。"
            )
        issued_on = timezone.localdate(change.submitted_at) if change.submitted_at else timezone.localdate()
        as_of = None
    else:
        as_of = on or timezone.localdate()
        sites, removed, first = list(sites_in_force(contract, as_of)), [], True
        # A print of the sites in force is no notice (届出) itself, and names the clauses only
        # where they ask for the sites' approval.
        heading = "作業場所一覧"
        if clauses_api.worksites_need_prior_approval(template):
            intro = (
                f"次の契約に係る業務で情報を取り扱う作業場所として承認を受けた場所は、"
                f"下記のとおりです（{about}承認）。"
            )
        else:
            intro = "次の契約に係る業務で情報を取り扱う作業場所として届け出た場所は、下記のとおりです。"
        issued_on = timezone.localdate()
    for entry in sites:
        entry.is_new = change is not None and entry.change_id == change.pk
    on_client_premises = any(e.kind == WorksiteKind.PUBLIC_BODY_PREMISES for e in sites)
    return {
        "contract": contract,
        "change": change,
        "sites": sites,
        "removed": removed,
        "first": first,
        "as_of": as_of,
        "issued_on": issued_on,
        "heading": heading,
        "intro": intro,
        "client_word": clauses_api.party_words(template).client,
        "contractor_word": clauses_api.party_words(template).contractor,
        # The clauses' own rule for people working on the public body's premises (002 §5.3, 003 §16).
        "name_tags": on_client_premises and clauses_api.name_tags_required(template),
    }


def worksite_for_duty(duty) -> dict:
    """For a duty about one change ("contracts.worksitechange:12"), that change's application;
    otherwise the open change's, or the notice of the sites approved today."""
    kind, _sep, pk = (duty.subject or "").partition(":")
    change = None
    if kind == "contracts.worksitechange" and pk.isdigit():
        change = WorksiteChange.objects.filter(pk=int(pk), contract=duty.contract).first()
    return worksite_context(duty.contract, change=change or open_change(duty.contract))


def register() -> None:
    pdf.register_form(
        WORKSITE_FORM,
        template_name="pdf/contracts/worksite.html",
        title="作業場所承認申請書",
        prefill=worksite_for_duty,
    )
