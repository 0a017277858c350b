"""The clause library's codes are shown in words (issue 10: no raw code on any page)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from clauses import kinds
from clauses.library import CONTRACT_FLAGS
from clauses.services import clause_library_load
from clauses.templatetags.clause_words import in_words


def test_every_code_of_the_vocabulary_has_words():
    assert set(kinds.TRIGGER_LABELS) == set(kinds.TRIGGERS)
    assert set(kinds.EVIDENCE_LABELS) == set(kinds.EVIDENCE)
    assert set(kinds.FLAG_LABELS) == set(CONTRACT_FLAGS)
    assert {k.feature for k in kinds.KINDS.values()} <= set(kinds.FEATURE_LABELS)
    with translation.override("ja"):
        for rule in kinds.DEADLINE_RULES:
            words = kinds.deadline_words(rule, 5)
            assert words != rule and "_" not in words
        assert kinds.deadline_words("business_days_after", 5) == "5営業日以内"
        assert kinds.deadline_words("calendar_days_after", 7) == "7日以内"


def test_codes_in_an_authors_note_read_as_their_labels():
    with translation.override("ja"):
        text = in_words("複写は copy.approved として記録し、takeout.* と on_premises に注意。example.jp 1.5")
    assert "copy.approved" not in text and "takeout." not in text and "on_premises" not in text
    assert "「発注者の庁舎等で作業する契約」" in text
    assert "example.jp 1.5" in text  # what is not a code stays as written


@pytest.mark.django_db
def test_the_template_page_shows_no_code(client, side):
    clause_library_load()
    from clauses.models import ClauseTemplate

    client.force_login(side.client_staff.user)
    template = ClauseTemplate.objects.order_by("pk").first()
    body = client.get(reverse("clauses:template_detail", args=[template.pk])).content.decode()
    for code in ("calendar_days_after", "business_days_after", "attestation.confirmed", "<code>"):
        assert code not in body
