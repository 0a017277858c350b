from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.audit import record_event
from core.forms import EmailAuthenticationForm, QueuedPasswordResetForm
from core.selectors import memberships_of_user


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

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
        response.set_cookie("django_language", user.language, samesite="Lax")
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            record_event(kind="auth.logout", actor=request.user, obj=request.user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_event(kind="auth.password_changed", actor=self.request.user, obj=self.request.user)
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    email_template_name = "emails/password_reset_body.txt"
    subject_template_name = "emails/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        record_event(kind="auth.password_reset", actor=form.user, obj=form.user)
        # Whoever proved control of the mailbox is the owner: the lock-out has done its job.
        axes_reset(username=form.user.email)
        return response
