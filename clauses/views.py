from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from clauses import selectors
from clauses.forms import CompareForm
from clauses.kinds import KINDS
from clauses.models import ClauseTemplate
from core.models import Role
from core.templatetags.portal import clause_ja


def _require_client_side(request) -> None:
    # The library is the public bodies' tool; contractors see the clauses of their own contracts.
    if request.user.is_superuser:
        return
    if request.membership is None or request.membership.role not in (
        Role.CLIENT_ADMIN,
        Role.CLIENT_STAFF,
        Role.AUDITOR,
    ):
        raise Http404


@login_required
def template_list(request):
    _require_client_side(request)
    return render(request, "clauses/template_list.html", {"templates": selectors.templates_for_browsing()})


@login_required
def template_detail(request, pk: int):
    _require_client_side(request)
    template = ClauseTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404
    articles = template.articles.prefetch_related("obligations").order_by("position")
    versions = ClauseTemplate.objects.filter(template_id=template.template_id).order_by("loaded_at")
    return render(
        request,
        "clauses/template_detail.html",
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
                "text": f"{ob.summary} [{ob.trigger} / {ob.deadline_rule}"
                f"{' ' + str(ob.deadline_days) if ob.deadline_days is not None else ''}]",
            }
    return items


@login_required
def template_compare(request):
    _require_client_side(request)
    form = CompareForm(request.GET or None)
    diff = None
    if form.is_valid():
        old, new = _flatten(form.cleaned_data["old"]), _flatten(form.cleaned_data["new"])
        diff = {
            "added": [new[k] for k in new if k not in old],
            "removed": [old[k] for k in old if k not in new],
            "changed": [(old[k], new[k]) for k in new if k in old and old[k] != new[k]],
        }
    return render(request, "clauses/template_compare.html", {"form": form, "diff": diff})
