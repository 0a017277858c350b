from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.audit import record_event
from core.forms import EmailAuthenticationForm, QueuedPasswordResetForm
from core.models import User
from core.selectors import memberships_of_user
from core.throttling import bounded_login, login_hash


def _organisation_of(user) -> int | None:
    membership = memberships_of_user(user).first() if user else None
    return membership.organisation_id if membership else None


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


def record_failed_login(kind: str, typed: str | None, **extra) -> None:
    """A failed or refused log-in, on the record of the account's organisation when the account
    exists. Whatever was typed never goes into the permanent log: the address of a known account,
    otherwise only a keyed hash (attempts with one string stay linkable, the string is not kept)."""
    login = bounded_login(typed)
    user = User.objects.filter(email=login).first() if login and not login.startswith("#") else None
    data = {}
    if user is not None:
        data = {"login": user.email}
    elif login:
        data = {"login_hash": login_hash(typed)}
    record_event(
        kind=kind, actor=None, obj=user, organisation_id=_organisation_of(user), data={**data, **extra}
    )


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lock-out response: the page, and an entry in the audit trail."""
    record_failed_login(
        "auth.locked_out", (credentials or {}).get("username") or request.POST.get("username")
    )
    return render(request, "registration/locked_out.html", status=429)


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        record_failed_login("auth.login_failed", form.data.get("username"))
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        # The request context was set before anyone was logged in: name the organisation the
        # person now acts for, so their administrators and auditors see the log-in.
        membership = memberships_of_user(user).first()
        record_event(
            kind="auth.login",
            actor=user,
            obj=user,
            organisation_id=membership.organisation_id if membership else None,
        )
        # The account's language wins over the browser's once the person is known.
        set_language_cookie(response, user.language)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            record_event(kind="auth.logout", actor=request.user, obj=request.user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_event(kind="auth.password_changed", actor=self.request.user, obj=self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    email_template_name = "emails/password_reset_body.txt"
    subject_template_name = "emails/password_reset_subject.txt"
    # Django's default reverses the bare "password_reset_done"; our names are namespaced.
    success_url = reverse_lazy("core:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("core:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_event(
            kind="auth.password_reset",
            actor=form.user,
            obj=form.user,
            organisation_id=_organisation_of(form.user),
        )
        # Whoever proved control of the mailbox is the owner: the lock-out has done its job.
        axes_reset(username=form.user.email)
        return response
