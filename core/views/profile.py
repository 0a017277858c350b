from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import record_event
from core.forms import ProfileForm
from core.selectors import SESSION_MEMBERSHIP_KEY, memberships_of_user
from core.services import users as user_services
from core.validators import parse_id
from core.views.auth import set_language_cookie
from core.views.utils import apply_validation_error, next_url


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "full_name_kana": user.full_name_kana,
            "phone": user.phone,
            "language": user.language,
            "notification_mode": user.notification_mode,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_services.user_update_profile(actor=user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            translation.activate(user.language)
            messages.success(request, _("Your profile was saved."))
            response = redirect("core:profile")
            set_language_cookie(response, user.language)
            return response
    else:
        record_event(kind="profile.viewed", actor=user, obj=user)
    return render(request, "core/profile.html", {"form": form, "memberships": memberships_of_user(user)})


@login_required
@require_POST
def membership_switch(request):
    pk = parse_id(request.POST.get("membership"))
    chosen = memberships_of_user(request.user).filter(pk=pk).first() if pk is not None else None
    if chosen is not None:
        request.session[SESSION_MEMBERSHIP_KEY] = chosen.pk
        record_event(
            kind="membership.switched", actor=request.user, obj=chosen, organisation_id=chosen.organisation_id
        )
    return redirect(next_url(request, "/"))
