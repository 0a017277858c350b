"""The reporting rules of the Act on the Protection of Personal Information (個人情報の保護に関する
法律) as data: which breaches must be reported to the Personal Information Protection Commission,
and above how many people. A change of the rules is a change here (and, for the deadlines, a new
version of clauses/clause_library/statutory-appi.yaml), never of the services that read it.

The categories are those of 施行規則 第43条 (行政機関等, reporting under 法 第68条第1項) and of
第7条 (個人情報取扱事業者, 法 第26条第1項); they differ only in the number of people: 100 for a
public body (第43条第4号: 「100人を超える」), 1,000 for a business (第7条第4号: 「1,000人を超える」).
The portal's judgements are made by the public body, so BODY_KIND counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    code: str
    label: str | Promise


# The categories the person judging ticks; the fourth (the number of people) follows from the
# count. UNLAWFUL_PURPOSE is the one whose final report is due in 60 days instead of 30
# (施行規則 第44条第2項 / 第8条第2項).
SENSITIVE = "sensitive"
FINANCIAL = "financial"
UNLAWFUL_PURPOSE = "unlawful_purpose"
MANY_PEOPLE = "many_people"

CATEGORIES: tuple[Category, ...] = (
    Category(SENSITIVE, _("Sensitive personal information (要配慮個人情報) is involved")),
    Category(FINANCIAL, _("Misuse may cause financial damage")),
    Category(UNLAWFUL_PURPOSE, _("It may have been done for an unlawful purpose")),
)
MANY_PEOPLE_LABEL = _("More than %(threshold)s people are affected")

PUBLIC_BODY = "public_body"
BUSINESS = "business"
# More than this many people affected makes a breach reportable by itself.
THRESHOLDS: dict[str, int] = {PUBLIC_BODY: 100, BUSINESS: 1000}
BODY_KIND = PUBLIC_BODY


def category_labels() -> dict[str, str | Promise]:
    return {c.code: c.label for c in CATEGORIES}


def judged_categories(*, ticked: list[str], persons: int | None, body_kind: str = BODY_KIND) -> list[str]:
    """The categories that hold: those ticked, and the number of people when it is over the
    threshold of the body's kind (an unknown number makes none by itself)."""
    held = [c.code for c in CATEGORIES if c.code in ticked]
    if persons is not None and persons > THRESHOLDS[body_kind]:
        held.append(MANY_PEOPLE)
    return held
