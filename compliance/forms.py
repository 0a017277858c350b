from django import forms
from django.utils.translation import gettext_lazy as _

from clauses.kinds import KINDS
from compliance.selectors import requestable_obligations
from compliance.services.duties import MAX_EVIDENCE_FILES
from compliance.services.submissions import MAX_SUBMISSION_FILES
from contracts.selectors.roster import roster_in_force
from core.templatetags.portal import clause_ja
from core.validators import NOTE, STATEMENT


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by core.files
    in the service, by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class AttestForm(forms.Form):
    # What the contractor adds in its own words; it is kept in the attestation's event, so it is
    # short and bounded. Optional: the obligation itself says what is confirmed.
    statement = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=STATEMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("e.g. how the measure is kept, where its rules are written. At most 1,000 characters."),
    )
    evidence = MultipleFileField(
        label=_("Evidence files (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 5 files (e.g. a scan of the rules, a photo of the cabinet)."),
    )

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        if len(files) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(_("Attach at most %(limit)d files.") % {"limit": MAX_EVIDENCE_FILES})
        return files


EVERYONE = "everyone"  # the people field's choice for everyone on the roster


class RequestForm(forms.Form):
    obligation = forms.ChoiceField(label=_("Request"))
    note = forms.CharField(
        label=_("Note to the contractor"),
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # For what the clauses ask of each person (pledges, 002 §7.3): whom the request concerns.
    people = forms.MultipleChoiceField(
        label=_("People concerned"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For a request to each person (e.g. pledges): everyone on the roster, or the people chosen."
        ),
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        obligations = list(requestable_obligations(contract))
        self.fields["obligation"].choices = [
            (ob.key, f"{clause_ja(ob.clause)} {KINDS[ob.kind].label}") for ob in obligations
        ]
        self.per_person = {ob.key for ob in obligations if ob.per_subject}
        if not self.per_person:
            del self.fields["people"]  # nothing here is asked of each person
            return
        self.fields["people"].choices = [
            (EVERYONE, _("Everyone on the roster")),
            *((str(entry.person_id), entry.person.full_name) for entry in roster_in_force(contract)),
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("people") or []
        if cleaned.get("obligation") in self.per_person and not chosen:
            self.add_error("people", _("Choose the people this request concerns, or everyone."))
        cleaned["everyone"] = EVERYONE in chosen
        cleaned["people"] = [int(pk) for pk in chosen if pk != EVERYONE]
        return cleaned


class SubmissionForm(forms.Form):
    """A document (or report) for a duty: its files and an optional comment to the other side."""

    files = MultipleFileField(
        label=_("Files of the document"),
        help_text=_("PDF, JPEG or PNG, up to 10 files (e.g. the rules as a PDF, a scan of a signed report)."),
        error_messages={"required": _("Attach the document: at least one file.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=STATEMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("e.g. what changed since the last version. At most 1,000 characters."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            # MultipleFileField answers an empty list rather than raising "required".
            raise forms.ValidationError(self.fields["files"].error_messages["required"])
        if len(files) > MAX_SUBMISSION_FILES:
            raise forms.ValidationError(
                _("Attach at most %(limit)d files.") % {"limit": MAX_SUBMISSION_FILES}
            )
        return files
