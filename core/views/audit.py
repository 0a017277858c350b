from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import permissions
from core.audit import record_event, verify_chain
from core.describers import describe_events
from core.forms import AuditFilterForm
from core.selectors import events_visible_to

PAGE_SIZE = 50


def _require_audit_access(request) -> None:
    if not permissions.can_view_audit_log(request.user, request.membership):
        raise Http404


def _day_start(d) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


@login_required
def audit_log(request):
    _require_audit_access(request)
    form = AuditFilterForm(request.GET or None)
    events = events_visible_to(request.user, request.membership)
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["since"]:
            events = events.filter(occurred_at__gte=_day_start(data["since"]))
        if data["until"]:
            events = events.filter(occurred_at__lt=_day_start(data["until"] + timedelta(days=1)))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Titles for the page's objects and subjects: one query per object type, not per row.
    rows = describe_events(page.object_list)
    record_event(kind="audit_log.viewed", actor=request.user, data={"page": page.number})
    return render(request, "core/audit_log.html", {"form": form, "page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def audit_verify(request):
    _require_audit_access(request)
    if request.method == "GET":
        # Verification is an action (it reads the whole chain and is recorded): GET explains it
        # and offers the button rather than answering a blank 405.
        return render(request, "core/audit_verify.html", {"report": None})
    report = verify_chain()
    record_event(
        kind="audit_log.verified",
        actor=request.user,
        data={"ok": report.ok, "checked": report.checked, "first_bad_id": report.first_bad_id},
    )
    return render(request, "core/audit_verify.html", {"report": report})
