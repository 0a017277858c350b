from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions
from core.access import (
    get_managed_membership_or_404,
    get_managed_organisation_or_404,
    get_organisation_or_404,
    get_revocable_invitation_or_404,
)
from core.audit import record_event
from core.forms import (
    ContractorInvitationForm,
    DepartmentForm,
    InvitationForm,
    OrganisationSettingsForm,
    PublicBodyForm,
)
from core.models import OrganisationKind, Role
from core.selectors import contractors_of_public_body, invitations_of, members_of, organisations_visible_to
from core.services import invitations as invitation_services
from core.services import organisations as org_services
from core.services import users as user_services
from core.views.utils import apply_validation_error

PAGE_SIZE = 50


@login_required
def organisation_list(request):
    page = Paginator(organisations_visible_to(request.user, request.membership), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "core/organisation_list.html", {"page": page})


@login_required
def organisation_detail(request, pk: int):
    org = get_organisation_or_404(request, pk)
    can_manage = permissions.can_manage_members(request.user, request.membership, org)
    page = Paginator(members_of(org), PAGE_SIZE).get_page(request.GET.get("page"))
    # Member names are personal data: every view of them is on the record. Filed under the
    # viewer's organisation (the tenant that acted); the organisation whose people were viewed
    # is the event's object, and core.selectors.event_scope shows it events about itself.
    record_event(
        kind="members.viewed",
        actor=request.user,
        obj=org,
        data={
            "page": page.number,
            "viewer_organisation": getattr(request.membership, "organisation_id", None),
        },
    )
    return render(
        request,
        "core/organisation_detail.html",
        {
            "organisation": org,
            "page": page,
            "can_manage": can_manage,
            "invitations": invitations_of(org) if can_manage else [],
            "departments": org.departments.filter(is_active=True) if org.is_public_body else [],
            "can_invite": bool(permissions.invitable_roles(request.user, request.membership, org)),
        },
    )


@login_required
def organisation_settings(request, pk: int):
    org = get_managed_organisation_or_404(request, pk)
    form = OrganisationSettingsForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            org_services.organisation_update(
                actor=request.user,
                organisation=org,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The settings were saved."))
            return redirect("core:organisation_detail", pk=org.pk)
    return render(request, "core/organisation_settings.html", {"organisation": org, "form": form})


@login_required
def department_create(request, pk: int):
    org = get_managed_organisation_or_404(request, pk)
    if not org.is_public_body:
        raise Http404
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org_services.department_create(
                actor=request.user, organisation=org, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The department was added."))
            return redirect("core:organisation_detail", pk=org.pk)
    return render(request, "core/department_form.html", {"organisation": org, "form": form})


@login_required
def invite(request, pk: int):
    org = get_organisation_or_404(request, pk)
    roles = permissions.invitable_roles(request.user, request.membership, org)
    if not roles:
        raise Http404
    form = InvitationForm(request.POST or None, organisation=org, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_services.invitation_create(
                actor=request.user,
                actor_membership=request.membership,
                organisation=org,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                department=form.cleaned_data.get("department"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The invitation was sent to %(email)s.") % form.cleaned_data)
            return redirect("core:organisation_detail", pk=org.pk)
    return render(request, "core/invite_form.html", {"organisation": org, "form": form})


@login_required
def contractor_invite(request):
    if not permissions.can_invite_contractors(request.user, request.membership):
        raise Http404
    form = ContractorInvitationForm(
        request.POST or None, contractors=contractors_of_public_body(request.membership)
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invitation_services.contractor_invite(
                actor=request.user,
                actor_membership=request.membership,
                contractor=form.cleaned_data.get("contractor"),
                contractor_name=form.cleaned_data.get("contractor_name", ""),
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The invitation was sent to %(email)s.") % form.cleaned_data)
            return redirect("core:organisation_detail", pk=invitation.organisation_id)
    return render(request, "core/contractor_invite_form.html", {"form": form})


@login_required
def public_body_create(request):
    if not request.user.is_superuser:
        raise Http404
    form = PublicBodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                org = org_services.organisation_create(
                    actor=request.user,
                    kind=OrganisationKind.PUBLIC_BODY,
                    name=data["name"],
                    name_kana=data["name_kana"],
                )
                org_services.department_create(actor=request.user, organisation=org, name=data["department"])
                invitation_services.invitation_create(
                    actor=request.user,
                    actor_membership=None,
                    organisation=org,
                    email=data["admin_email"],
                    role=Role.CLIENT_ADMIN,
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The public body was registered and its administrator invited."))
            return redirect("core:organisation_detail", pk=org.pk)
    return render(request, "core/public_body_form.html", {"form": form})


@login_required
@require_POST
def membership_deactivate(request, pk: int):
    membership = get_managed_membership_or_404(request, pk)
    try:
        user_services.membership_deactivate(
            actor=request.user, actor_membership=request.membership, membership=membership
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [])) or _("This is not allowed."))
    else:
        messages.success(request, _("The account was deactivated."))
    return redirect("core:organisation_detail", pk=membership.organisation_id)


@login_required
@require_POST
def membership_reactivate(request, pk: int):
    membership = get_managed_membership_or_404(request, pk)
    user_services.membership_reactivate(
        actor=request.user, actor_membership=request.membership, membership=membership
    )
    messages.success(request, _("The account was reactivated."))
    return redirect("core:organisation_detail", pk=membership.organisation_id)


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    invitation = get_revocable_invitation_or_404(request, pk)
    invitation_services.invitation_revoke(
        actor=request.user, actor_membership=request.membership, invitation=invitation
    )
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("core:organisation_detail", pk=invitation.organisation_id)
