"""Reads of the clause library for its browser (the public bodies' tool)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from clauses.models import Article, ClauseTemplate


def templates_for_browsing() -> QuerySet[ClauseTemplate]:
    return ClauseTemplate.objects.annotate(
        n_articles=Count("articles", distinct=True), n_obligations=Count("obligations", distinct=True)
    ).order_by("template_id", "loaded_at")


def articles_of(template: ClauseTemplate) -> QuerySet[Article]:
    return template.articles.prefetch_related("obligations").order_by("position")


def versions_of(template: ClauseTemplate) -> QuerySet[ClauseTemplate]:
    """Every loaded version of the same template, oldest first."""
    return ClauseTemplate.objects.filter(template_id=template.template_id).order_by("loaded_at")
