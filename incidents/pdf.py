"""The draft report to the Personal Information Protection Commission (漏えい等報告書（案）),
filled from the incident's record with the items the rules list (施行規則 第43条/第44条: 概要, 項目,
本人の数, 原因, 二次被害, 本人への対応, 公表, 再発防止, その他). What the record does not hold yet
says so: the body completes it on the Commission's form. Always printed in Japanese; the same
items as an xlsx (draft_report_xlsx)."""

from __future__ import annotations

from django.utils import timezone, translation

from core import pdf
from core.spreadsheets import Column, SheetSpec, export_rows
from core.wareki import format_wareki, format_wareki_datetime
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


# The same items as an xlsx the body can paste into the Commission's form or keep with its files.
DRAFT_SHEET = SheetSpec(
    name="漏えい等報告書（案）",
    columns=(
        Column("item", "項目", "text", width=40),
        Column("text", "内容", "text", width=90),
    ),
)


def _lines(texts: list[str], empty: str) -> str:
    return "\n".join(texts) if texts else empty


def draft_items(context: dict) -> list[dict[str, str]]:
    """The draft's items in words, one row each (the PDF's table, as text)."""
    incident, judgement, reports = context["incident"], context["judgement"], context["reports"]
    not_known = context["not_known"]
    suspected = "（おそれ）" if incident.suspected else ""
    overview = [
        f"{incident.get_category_display()}{suspected}／事故 第{incident.number}号",
        f"発覚日時：{format_wareki_datetime(incident.found_at)}",
        "発生日時：" + (format_wareki_datetime(incident.occurred_at) if incident.occurred_at else not_known),
        f"報告した者：{incident.organisation.name}",
        incident.summary,
        *context["updates"],
    ]
    if judgement:
        overview.insert(3, f"{context['client_word']}が知った日：{format_wareki(judgement.aware_on)}")
    persons = (
        f"{judgement.persons_affected}人"
        if judgement and judgement.persons_affected is not None
        else not_known
    )
    other = []
    if judgement:
        other.append(
            "報告対象の区分：" + ("、".join(str(x) for x in judgement.category_labels) or "該当なし")
        )
    other += [f"{context['client_word']}の指示：{i}" for i in context["instructions"]]
    for stage, word in (("preliminary", "速報"), ("final", "確報")):
        if stage in reports:
            r = reports[stage]
            other.append(
                f"{word}：{format_wareki(r.sent_on)} {r.get_method_display()} {r.reference}".rstrip()
            )
    rows = [
        ("契約", f"{context['contract'].number} {context['contract'].title}"),
        ("1 概要", "\n".join(overview)),
        ("2 漏えい等が発生し、又は発生したおそれがある保有個人情報の項目", not_known),
        ("3 本人の数", persons),
        ("4 原因", _lines(context["causes"], not_known)),
        ("5 二次被害又はそのおそれの有無及びその内容", not_known),
        ("6 本人への対応の実施状況", not_known),
        ("7 公表の実施状況", not_known),
        ("8 再発防止のための措置", _lines(context["prevention"], not_known)),
        ("9 その他参考となる事項", _lines(other, "")),
    ]
    return [{"item": item, "text": text} for item, text in rows]


def draft_report_xlsx(incident: Incident) -> bytes:
    with translation.override(pdf.PDF_LANGUAGE):
        return export_rows(DRAFT_SHEET, draft_items(draft_context(incident)))
