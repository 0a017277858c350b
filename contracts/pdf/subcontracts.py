"""The subcontract application as a PDF form (再委託承認申請書 / 再々委託承認申請書): the fields
003 §6.2 names, the pre-check of 001 §15.2 and the chain above the link."""

from __future__ import annotations

from django.utils import timezone

from clauses import api as clauses_api
from contracts.models import Subcontract
from core import pdf

SUBCONTRACT_FORM = "contracts.subcontract"

# What was applied for, in the form's own (always Japanese) words; "" for an application made
# before the extent was asked, which then says only 業務.
EXTENT_WORDS = {
    Subcontract.Extent.PART: "業務の一部",
    Subcontract.Extent.MAIN: "業務の主要な部分",
    Subcontract.Extent.WHOLE: "業務の全部",
}


def subcontract_context(link: Subcontract) -> dict:
    from contracts.selectors.subcontracts import chain_of

    contract = link.contract
    template = contract.clause_template
    chain = chain_of(link) if link.pk else []
    heading = "再委託承認申請書" if link.depth == 1 else f"再委託（第{link.depth}次）承認申請書"
    return {
        "contract": contract,
        "link": link,
        "chain": chain,
        "heading": heading,
        "extent_words": EXTENT_WORDS.get(link.extent, ""),
        "issued_on": timezone.localdate(link.submitted_at) if link.submitted_at else timezone.localdate(),
        "template_title": template.title,
        "client_word": clauses_api.party_words(template).client,
        "contractor_word": clauses_api.party_words(template).contractor,
    }


def subcontract_for_duty(duty) -> dict:
    """For a duty about one link ("contracts.subcontract:12"), that link's application."""
    kind, _sep, pk = (duty.subject or "").partition(":")
    if kind != "contracts.subcontract" or not pk.isdigit():
        raise ValueError("This duty is not about one subcontract.")
    return subcontract_context(
        Subcontract.objects.select_related("contract", "upstream", "subcontractor").get(
            pk=int(pk), contract=duty.contract
        )
    )


def register() -> None:
    pdf.register_form(
        SUBCONTRACT_FORM,
        template_name="pdf/contracts/subcontract.html",
        title="再委託承認申請書",
        prefill=subcontract_for_duty,
    )
