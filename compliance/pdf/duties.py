"""The generic duty form: a cover sheet for any duty whose obligation names `compliance.duty_notice`.

Specific forms (roster, pledge, security check, …) are registered by their apps the same way;
this one lets a template attach a pre-filled sheet to any duty before those exist.
"""

from django.utils import timezone

from core.pdf import register_form
from core.templatetags.portal import clause_ja


def duty_notice_context(duty) -> dict:
    template = duty.obligation.template
    return {
        "form_number": "様式（対応事項）",
        "title": f"{duty.obligation.article.heading.strip('（）()')}に関する提出書",
        "issued_on": timezone.localdate(),
        "contract": duty.contract,
        "duty": duty,
        "clause": clause_ja(duty.obligation.clause),
        "client_word": template.client_word,
        "contractor_word": template.contractor_word,
    }


def register() -> None:  # from compliance.pdf.register()
    register_form(
        "compliance.duty_notice",
        template_name="pdf/compliance/duty_notice.html",
        title="対応事項の提出書",
        prefill=duty_notice_context,
    )
