"""The status page of an export a person asked for, and its download (core.services.exports)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from core.access import get_export_job_or_404
from core.files import file_response
from core.services import exports

# Seconds between two looks at the job: htmx polls the fragment, a browser without JavaScript
# reloads the page (<meta http-equiv="refresh"> inside <noscript>).
POLL_SECONDS = 2


@login_required
def export_status(request, pk: int):
    job = get_export_job_or_404(request, pk)
    context = {
        "job": job,
        "percent": exports.progress_percent(job, now=timezone.now()),
        "downloadable": job.state == job.State.READY and not job.is_expired,
        "poll_seconds": POLL_SECONDS,
    }
    # htmx asks for the fragment only; the same template renders the page around it.
    template = (
        "core/exports/_status.html" if request.headers.get("HX-Request") else "core/exports/status.html"
    )
    return render(request, template, context)


@login_required
def export_download(request, pk: int):
    job = get_export_job_or_404(request, pk)
    if not exports.export_downloadable(job, user=request.user, membership=request.membership):
        raise Http404
    response = file_response(request=request, stored=job.file, download_name=job.download_name)
    exports.export_downloaded(actor=request.user, job=job)
    return response
