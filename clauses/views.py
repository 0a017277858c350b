from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clauses import selectors
from clauses.access import get_template_or_404, require_library_access
from clauses.forms import CompareForm
from clauses.kinds import KINDS, TRIGGER_LABELS, deadline_words
from clauses.models import ClauseTemplate
from core.templatetags.portal import clause_ja


@login_required
def template_list(request):
    require_library_access(request)
    return render(request, "clauses/library/list.html", {"templates": selectors.templates_for_browsing()})


@login_required
def template_detail(request, pk: int):
    template = get_template_or_404(request, pk)
    articles = selectors.articles_of(template)
    versions = selectors.versions_of(template)
    return render(
        request,
        "clauses/library/detail.html",
        {
            "template": template,
            "articles": articles,
            "kinds": KINDS,
            "versions": versions,
        },
    )


def _flatten(template: ClauseTemplate) -> dict[str, dict]:
    items: dict[str, dict] = {}
    for article in template.articles.prefetch_related("obligations"):
        items[f"art:{article.number}"] = {
            "label": f"第{article.number}条 {article.heading}",
            "text": article.summary,
        }
        for ob in article.obligations.all():
            items[f"ob:{ob.key}"] = {
                "label": f"{clause_ja(ob.clause)} {KINDS[ob.kind].label}",
                # The codes in words, so that a changed trigger or deadline reads as a change.
                "text": f"{ob.summary}（{TRIGGER_LABELS.get(ob.trigger, ob.trigger)}・"
                f"{deadline_words(ob.deadline_rule, ob.deadline_days)}）",
            }
    return items


@login_required
def template_compare(request):
    require_library_access(request)
    form = CompareForm(request.GET or None)
    diff = None
    if form.is_valid():
        old, new = _flatten(form.cleaned_data["old"]), _flatten(form.cleaned_data["new"])
        diff = {
            "added": [new[k] for k in new if k not in old],
            "removed": [old[k] for k in old if k not in new],
            "changed": [(old[k], new[k]) for k in new if k in old and old[k] != new[k]],
        }
    return render(request, "clauses/library/compare.html", {"form": form, "diff": diff})
