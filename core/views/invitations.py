from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.forms import AcceptInvitationForm, ExistingAccountAcceptForm
from core.models import Invitation, User
from core.services import invitations as invitation_services
from core.views.auth import locked_out, record_failed_login
from core.views.utils import apply_validation_error


@never_cache
def invitation_accept(request, token: str):
    invitation = invitation_services.invitation_for_token(token)
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return render(request, "core/invitation_invalid.html", {"invitation": invitation}, status=410)
    existing = User.objects.filter(email=invitation.email).exists()
    form_class = ExistingAccountAcceptForm if existing else AcceptInvitationForm
    form = form_class(request.POST or None)
    # The existing account's password is checked like a log-in: the same lock-outs (django-axes,
    # per account+address and per address), and each failure on the record.
    credentials = {"username": invitation.email}
    if existing and request.method == "POST" and not AxesProxyHandler.is_allowed(request, credentials):
        return locked_out(request, credentials=credentials)
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
            if existing and "existing_password" in getattr(exc, "error_dict", {}):
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                record_failed_login("auth.login_failed", invitation.email, via="invitation")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Your account is ready."))
            return redirect("core:home")
    return render(
        request, "core/invitation_accept.html", {"invitation": invitation, "form": form, "existing": existing}
    )
