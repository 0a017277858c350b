from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from core import validators
from core.approvals import NEEDS_REASON, ApprovalAction
from core.models import Department, Organisation, Role, User
from core.throttling import normalise_login
from core.widgets import WarekiDateInput


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong."),
        "inactive": _("This account is not active."),
    }

    def clean_username(self) -> str:
        return normalise_login(self.cleaned_data.get("username"))


class QueuedPasswordResetForm(PasswordResetForm):
    """Password-reset mail goes through the outbox like every other mail (docs/outbox.md)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        import hashlib
        from urllib.parse import urlsplit

        from django.template import loader

        from core.notifications import site_url
        from core.services.outbox import message_enqueue

        # Django fills domain and protocol from the request's Host header, which the sender of
        # the request chooses: the link must point at the configured portal, whatever was sent.
        site = urlsplit(site_url())
        context = {**context, "site_url": site_url(), "domain": site.netloc, "protocol": site.scheme}
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        token = hashlib.sha256(context["token"].encode()).hexdigest()[:16]
        message_enqueue(
            key=f"password_reset:{context['user'].pk}:{token}",
            kind="password_reset",
            to=[to_email],
            subject=subject,
            body=body,
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The whole organisation (no department)"),
        help_text=_("Leave empty for the whole organisation."),
    )

    def __init__(self, *args, organisation: Organisation, roles: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        if organisation.is_public_body:
            self.fields["department"].queryset = organisation.departments.filter(is_active=True)
        else:
            del self.fields["department"]


class ContractorInvitationForm(forms.Form):
    contractor = forms.ModelChoiceField(
        label=_("Existing contractor"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choose a contractor, or enter a new one below"),
        help_text=_("Choose a contractor you already work with, or enter a new one below."),
    )
    contractor_name = forms.CharField(label=_("New contractor's name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Contractor manager's e-mail address"))

    def __init__(self, *args, contractors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contractor"].queryset = contractors

    def clean(self):
        data = super().clean()
        if not data.get("contractor") and not (data.get("contractor_name") or "").strip():
            self.add_error("contractor_name", _("Enter the contractor's name or choose one."))
        return data


class PublicBodyForm(forms.Form):
    name = forms.CharField(label=_("Name of the public body"), max_length=200)
    name_kana = forms.CharField(label=_("Name (kana)"), max_length=200, required=False)
    department = forms.CharField(label=_("First department"), max_length=200)
    admin_email = forms.EmailField(label=_("Administrator's e-mail address"))


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Department name"), max_length=200)


class OrganisationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "name_kana",
            "closure_start_month",
            "closure_start_day",
            "closure_end_month",
            "closure_end_day",
        ]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=validators.NAME)
    full_name_kana = forms.CharField(label=_("Full name (kana)"), max_length=validators.NAME, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return data


class ExistingAccountAcceptForm(forms.Form):
    existing_password = forms.CharField(
        label=_("Password of your existing account"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.ModelForm):
    # The model's columns are encrypted text without a length: the limits live here and in
    # core.services.users (validators.check_input), the same numbers.
    full_name = forms.CharField(label=_("Full name"), max_length=validators.NAME, required=False)
    full_name_kana = forms.CharField(label=_("Full name (kana)"), max_length=validators.NAME, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=validators.PHONE, required=False)

    class Meta:
        model = User
        fields = ["full_name", "full_name_kana", "phone", "language", "notification_mode"]


def _event_kind_choices() -> list:
    """The declared event kinds in words, grouped by the app that records them, each group and
    each kind sorted by its label in the active language (the registry is filled at ready())."""
    from django.apps import apps

    from core.audit import event_kind_label, event_kind_owner, known_event_kinds

    groups: dict[str, list[tuple[str, str]]] = {}
    for kind in known_event_kinds():
        owner = event_kind_owner(kind)
        try:
            group = str(apps.get_app_config(owner).verbose_name) if owner else ""
        except LookupError:
            group = str(owner)
        groups.setdefault(group, []).append((kind, event_kind_label(kind)))
    choices: list = [("", _("All kinds"))]
    for group in sorted(groups):
        choices.append((group, sorted(groups[group], key=lambda choice: (choice[1], choice[0]))))
    return choices


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        error_messages={"invalid_choice": _("Choose a kind of event from the list.")},
    )
    since = validators.PlausibleDateField(label=_("From"), required=False, widget=WarekiDateInput())
    until = validators.PlausibleDateField(label=_("Until"), required=False, widget=WarekiDateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _event_kind_choices()


class ApprovalDecisionForm(forms.Form):
    """The next step of anything in the shared approval workflow (core.approvals), posted by
    templates/components/approval_actions.html: the button pressed is `action`."""

    action = forms.ChoiceField(choices=ApprovalAction.choices)
    reason = forms.CharField(
        label=_("Reason (required to return or reject)"),
        required=False,
        max_length=validators.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        data = super().clean()
        # Said at the field before the service is asked (which refuses it the same way), so the
        # decider sees at once what is missing, where it is missing.
        if data.get("action") in NEEDS_REASON and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason, so that it can be put right."))
        return data
