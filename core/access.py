"""One access helper per object type: the object, or 404 for missing and forbidden alike."""

from __future__ import annotations

from django.http import Http404

from core import permissions
from core.models import Invitation, Membership, Organisation
from core.selectors import organisations_visible_to


def get_organisation_or_404(request, pk: int) -> Organisation:
    org = organisations_visible_to(request.user, request.membership).filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def get_managed_organisation_or_404(request, pk: int) -> Organisation:
    org = get_organisation_or_404(request, pk)
    if not permissions.can_manage_members(request.user, request.membership, org):
        raise Http404
    return org


def get_managed_membership_or_404(request, pk: int) -> Membership:
    membership = Membership.objects.select_related("organisation", "user", "department").filter(pk=pk).first()
    if membership is None or not permissions.can_manage_members(
        request.user, request.membership, membership.organisation
    ):
        raise Http404
    return membership


def get_revocable_invitation_or_404(request, pk: int) -> Invitation:
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    if invitation is None or not permissions.can_revoke_invitation(
        request.user, request.membership, invitation
    ):
        raise Http404
    return invitation


def get_export_job_or_404(request, pk: int):
    """An export job of the person asking, under the membership they act with now; else 404."""
    from core.models import ExportJob

    job = (
        ExportJob.objects.select_related("file")
        .filter(pk=pk, requested_by=request.user, membership=request.membership)
        .first()
    )
    if job is None:
        raise Http404
    return job
