"""Reads of the clause library for its browser (the public bodies' tool)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from clauses.models import ClauseTemplate


def templates_for_browsing() -> QuerySet[ClauseTemplate]:
    return ClauseTemplate.objects.annotate(
        n_articles=Count("articles", distinct=True), n_obligations=Count("obligations", distinct=True)
    ).order_by("template_id", "loaded_at")
