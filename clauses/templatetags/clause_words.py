"""The template's own party words in templates: {{ contract|client_word }}, {{ contract|contractor_word }}.

Pages of the domain apps ask the clause library's API (clauses.api.party_words) rather than
reading the adopted template's attributes, so the shape of the library's data stays in clauses.
"""

import re

from django import template
from django.utils.translation import gettext

from clauses import api, kinds
from core.audit import event_kind_label, known_event_kinds

register = template.Library()


@register.filter
def client_word(contract) -> str:
    """発注者 / 委託者 / 甲 … as the contract's adopted template says it."""
    return api.party_words(contract).client


@register.filter
def contractor_word(contract) -> str:
    """受注者 / 受託者 / 乙 … as the contract's adopted template says it."""
    return api.party_words(contract).contractor


# The library's codes in words (clauses.kinds): a template page never shows a code.


@register.filter
def trigger_words(code: str) -> str:
    return str(kinds.TRIGGER_LABELS.get(code, code))


@register.filter
def evidence_words(code: str) -> str:
    return str(kinds.EVIDENCE_LABELS.get(code, code))


@register.filter
def feature_words(code: str) -> str:
    return str(kinds.FEATURE_LABELS.get(code, code))


@register.filter
def deadline_words(obligation) -> str:
    return kinds.deadline_words(obligation.deadline_rule, obligation.deadline_days)


@register.filter
def flag_words(flags) -> str:
    return "、".join(str(kinds.FLAG_LABELS.get(f, f)) for f in flags or ())


@register.filter
def event_words(event_kinds) -> str:
    """['roster.approved', …] → 「名簿の承認、…」: the audit trail's own labels of its kinds."""
    return "、".join(event_kind_label(k) for k in event_kinds or ())


_CODE_IN_TEXT = re.compile(r"(?<![\w.])([a-z][a-z0-9_]*)(?:\.([a-z][a-z0-9_]*|\*))?(?![\w])")


@register.filter
def in_words(text: str) -> str:
    """An author's note in the library names event kinds and contract flags by their codes
    (「copy.approved として記録する」): each known code is shown as its label instead, a wildcard
    (takeout.*) as the labels of its kinds; anything else is left as written."""
    known = known_event_kinds()

    def word(match: re.Match) -> str:
        head, tail = match.group(1), match.group(2)
        if tail is None:
            if head in kinds.FLAG_LABELS:
                return f"「{kinds.FLAG_LABELS[head]}」"
            if head == "applies_if":
                return f"「{gettext('Only if')}」"
            return match.group(0)
        if tail == "*":
            family = sorted(k for k in known if k.startswith(f"{head}."))
            return "・".join(f"「{event_kind_label(k)}」" for k in family) or match.group(0)
        code = f"{head}.{tail}"
        return f"「{event_kind_label(code)}」" if code in known else match.group(0)

    return _CODE_IN_TEXT.sub(word, str(text or ""))
