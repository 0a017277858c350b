from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.forms import AcceptInvitationForm, ExistingAccountAcceptForm
from core.models import Invitation, User
from core.services import invitations as invitation_services
from core.views.utils import apply_validation_error


@never_cache
def invitation_accept(request, token: str):
    invitation = invitation_services.invitation_for_token(token)
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return render(request, "core/invitation_invalid.html", {"invitation": invitation}, status=410)
    existing = User.objects.filter(email=invitation.email).exists()
    form_class = ExistingAccountAcceptForm if existing else AcceptInvitationForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitation_services.invitation_accept(
                token=token,
                full_name=data.get("full_name", ""),
                full_name_kana=data.get("full_name_kana", ""),
                password=data.get("password1", ""),
                existing_password=data.get("existing_password", ""),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, aliases={"password": "password1"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Your account is ready."))
            return redirect("home")
    return render(
        request, "core/invitation_accept.html", {"invitation": invitation, "form": form, "existing": existing}
    )
