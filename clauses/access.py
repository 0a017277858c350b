"""The clause library's "the object or 404" helpers (missing and forbidden look the same)."""

from __future__ import annotations

from django.http import Http404

from clauses import permissions
from clauses.models import ClauseTemplate


def require_library_access(request) -> None:
    """404 for anyone the library is not for, so that its pages do not reveal they exist."""
    if not permissions.can_browse_library(request.user, request.membership):
        raise Http404


def get_template_or_404(request, pk: int) -> ClauseTemplate:
    require_library_access(request)
    template = ClauseTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404
    return template
