"""Bounds on what people may type, shared by forms (the message at the field) and services (so a
request that bypasses the form is refused the same way).

Lengths are fitted to the purpose, as a paper form would be: a name fits a name box, a note a
few paragraphs. They also bound what a PDF form has to lay out and what an event may carry.
Dates are bounded to a plausible range: nothing the portal records (contracts, pledges,
sessions, work sites) happened before 2000 or will happen after 2100, and a date such as
9999-12-31 would overflow the date arithmetic of filters and deadlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.wareki import parse_date

# Lengths (characters), one name per purpose.
NAME = 100  # a person's name or its kana
PHONE = 30
LABEL = 200  # a title, a topic, an organisation or site name, an affiliation
ADDRESS = 300
SHORT_NOTE = 500  # a list of rooms, a short description in a table cell
NOTE = 2000  # a note, a reason, a description: a few paragraphs
STATEMENT = 1000  # a contractor's short confirmation
FILTER = 100  # a search or filter term

DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2100, 12, 31)


def validate_plausible_date(value: date | None) -> None:
    if value is not None and not (DATE_MIN <= value <= DATE_MAX):
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="implausible_date",
            params={"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )


def text_error(value: str | None, limit: int) -> str | None:
    """The message for a text over its limit or holding a NUL character, or None when it fits."""
    if not value:
        return None
    if "\x00" in value:
        return str(_("Null characters are not allowed."))
    if len(value) > limit:
        return str(
            _("Enter at most %(limit)d characters (it has %(length)d).")
            % {"limit": limit, "length": len(value)}
        )
    return None


def check_input(
    *,
    texts: Mapping[str, tuple[str | None, int]] | None = None,
    dates: Mapping[str, date | None] | None = None,
) -> None:
    """Refuse, at the field, texts past their limit and dates outside the plausible range.

    `texts` maps a field name to (value, limit); `dates` maps a field name to its value.
    Services call this before they write, with the same limits the forms use."""
    errors: dict[str, str] = {}
    for name, (value, limit) in (texts or {}).items():
        message = text_error(value, limit)
        if message:
            errors[name] = message
    for name, value in (dates or {}).items():
        try:
            validate_plausible_date(value)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    if errors:
        raise ValidationError(errors)


class PlausibleDateField(forms.DateField):
    """A form's date, refused at the field when it is outside DATE_MIN..DATE_MAX.

    The browser's picker sends an ISO date; a browser without one (or a person pasting from a
    document) sends what was typed, so 和暦 and the other ways dates are written in Japan
    (令和8年12月4日, R8.12.4, 2026/12/4) are read too, with the parser's own message when wrong."""

    default_validators = [validate_plausible_date]

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            if not isinstance(value, str):
                raise
            try:
                return parse_date(value)
            except ValueError as exc:
                raise ValidationError(str(exc), code="invalid") from None


def parse_id(value: object) -> int | None:
    """A database id from request text, or None: only ASCII digits within a bigint.

    `str.isdigit()` also accepts '²' or '٣', which int() then refuses or reads as another number."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses, as an invalid choice, any value that is not
    a database id before it reaches a query: Django checks each value alone, then filters with
    `pk__in`, which overflows SQLite's and PostgreSQL's integers on 10**25 (a 500)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if parse_id(pk) is None or parse_id(pk) >= 2**63:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
