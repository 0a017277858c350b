from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core import permissions
from core.models import Role
from core.panels import panels_for
from core.selectors import contractors_of_public_body, events_visible_to, invitations_of, members_of


@login_required
def home(request):
    membership = request.membership
    role = permissions.role_of(request.user, membership)
    context = {"role": role}
    if role == permissions.SITE_ADMIN:
        from core.models import Organisation, OrganisationKind

        context["public_bodies"] = Organisation.objects.filter(kind=OrganisationKind.PUBLIC_BODY).order_by(
            "name"
        )
        template = "core/home/site_admin.html"
    elif membership is None:
        template = "core/home/no_membership.html"
    elif role in (Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF):
        template = "core/home/contractor.html"
    elif role == Role.AUDITOR:
        context["recent_events"] = events_visible_to(request.user, membership)[:10]
        template = "core/home/auditor.html"
    else:
        if role == Role.CLIENT_ADMIN:
            context["contractors"] = contractors_of_public_body(membership)
            context["pending_invitations"] = invitations_of(membership.organisation)[:10]
            context["member_count"] = members_of(membership.organisation).filter(is_active=True).count()
        template = "core/home/client.html"
    context["panels"] = panels_for(request, role)
    return render(request, template, context)
