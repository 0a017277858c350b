"""The draft report to the Personal Information Protection Commission (漏えい等報告書（案）),
filled from the incident's record with the items the rules list (施行規則 第43条/第44条: 概要, 項目,
本人の数, 原因, 二次被害, 本人への対応, 公表, 再発防止, その他). What the record does not hold yet
says so: the body completes it on the Commission's form. Always printed in Japanese."""

from __future__ import annotations

from django.utils import timezone

from core import pdf
from incidents.models import EntryKind, Incident
from incidents.selectors.appi import appi_record
from incidents.selectors.incidents import timeline

DRAFT_FORM = "incidents.appi_draft"
NOT_KNOWN = "（記録なし：未把握）"


def _texts(entries, *kinds) -> list[str]:
    return [e.text for e in entries if e.kind in kinds and e.text]


def draft_context(incident: Incident) -> dict:
    contract = incident.contract
    template = contract.clause_template
    entries = timeline(incident)
    record = appi_record(incident)
    judgement = record.current
    return {
        "form_number": "様式（漏えい等報告）",
        "title": "漏えい等報告書（案）",
        "issued_on": timezone.localdate(),
        "contract": contract,
        "incident": incident,
        "client_word": template.client_word,
        "contractor_word": template.contractor_word,
        "updates": _texts(entries, EntryKind.UPDATE, EntryKind.WRITTEN_REPORT),
        "causes": _texts(entries, EntryKind.CAUSE_ANALYSIS),
        "prevention": _texts(entries, EntryKind.PREVENTION_PLAN, EntryKind.IMPLEMENTATION),
        "instructions": _texts(entries, EntryKind.INSTRUCTION),
        "judgement": judgement,
        "reports": record.reports,
        "not_known": NOT_KNOWN,
    }


def draft_report_pdf(incident: Incident) -> bytes:
    return pdf.render_form(DRAFT_FORM, draft_context(incident))


pdf.register_form(
    DRAFT_FORM,
    template_name="pdf/incidents/appi_draft.html",
    title="漏えい等報告書（案）",
    prefill=draft_context,
)
