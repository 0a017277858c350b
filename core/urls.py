from django.contrib.auth import views as django_auth_views
from django.urls import path
from django.views.i18n import set_language

from core.views import (
    audit,
    auth,
    exports,
    health,
    home,
    invitations,
    notifications,
    organisations,
    outbox,
    profile,
)

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Accounts
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/change/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/", django_auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        django_auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", profile.profile, name="profile"),
    path("membership/switch/", profile.membership_switch, name="membership_switch"),
    path("invitations/accept/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    # Organisations and their people
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new-public-body/", organisations.public_body_create, name="public_body_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<int:pk>/settings/", organisations.organisation_settings, name="organisation_settings"
    ),
    path(
        "organisations/<int:pk>/departments/new/", organisations.department_create, name="department_create"
    ),
    path("organisations/<int:pk>/invite/", organisations.invite, name="invite"),
    path("contractors/invite/", organisations.contractor_invite, name="contractor_invite"),
    path(
        "memberships/<int:pk>/deactivate/", organisations.membership_deactivate, name="membership_deactivate"
    ),
    path(
        "memberships/<int:pk>/reactivate/", organisations.membership_reactivate, name="membership_reactivate"
    ),
    path("invitations/<int:pk>/revoke/", organisations.invitation_revoke, name="invitation_revoke"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read, name="notification_read"),
    # Audit trail
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/verify/", audit.audit_verify, name="audit_verify"),
    # Exports prepared in Celery (core.services.exports)
    path("exports/<int:pk>/", exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    # Django's language switch, here so that it is namespaced like every other URL (core:set_language);
    # same address as django.conf.urls.i18n gave it.
    path("i18n/setlang/", set_language, name="set_language"),
    # Embedded default only
    path("dev/outbox/", outbox.outbox, name="dev_outbox"),
]
