"""The upload of a ledger kept in Excel (services.imports): one .xlsx file within the import's
size limit. Its content (a real workbook, no macros, the template's columns) is checked when it
is read, and reported with the row and column of each problem."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ledgers.services.imports import max_bytes, too_large


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Fill in the template. If any cell has an error, nothing is imported."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The name first, as people choose files by it; the bytes decide at the preview.
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Choose an Excel workbook (.xlsx)."))
        if upload.size > max_bytes():
            raise ValidationError(too_large())
        return upload
