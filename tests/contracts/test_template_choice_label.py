"""A template offered on the contract form reads 「title（issuer・version）」, with the issuer's own
brackets (（文書に団体名の記載なし）) not doubled."""

from __future__ import annotations

from clauses.library import LIBRARY_DIR
from clauses.models import ClauseTemplate
from clauses.services import clause_template_load
from contracts.forms.contracts import TemplateChoiceField


def test_the_label_does_not_double_the_issuers_brackets(db):
    template, _ = clause_template_load(path=next(LIBRARY_DIR.glob("000-*.yaml")))
    assert template.issuer.startswith("（")
    label = TemplateChoiceField(queryset=ClauseTemplate.objects.all()).label_from_instance(template)
    assert "（（" not in label and "））" not in label
    assert label == f"{template.title}（文書に団体名の記載なし・{template.version}）"
