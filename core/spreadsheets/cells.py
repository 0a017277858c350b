"""Converting one cell to the Python value of its column, or an :class:`_Invalid` with the message
for the user. Dates are read by :func:`core.wareki.parse_date` (和暦 and Western forms)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.spreadsheets.spec import NO, YES, Column, _Invalid
from core.wareki import date_hint, parse_date

INT_MIN: Final = -(2**31)
INT_MAX: Final = 2**31 - 1
EMAIL_MAX_LENGTH: Final = 254
_TRUE_TOKENS: Final = frozenset({YES, "true", "yes", "1", "○", "◯", "〇"})
_FALSE_TOKENS: Final = frozenset({NO, "false", "no", "0", "×", "✕"})


@dataclass(frozen=True)
class _ErrorValue:
    """A cell showing an Excel error such as #N/A (a formula's cached result, or a bad date)."""

    code: str


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _convert(column: Column, value: Any) -> Any:
    if isinstance(value, _ErrorValue):
        if column.kind == "date":
            # openpyxl reports a number too large for a date (20250401 typed in a date cell) as #VALUE!.
            raise _Invalid(date_hint())
        raise _Invalid(
            _("The cell shows the error %(code)s. Enter the value itself, not a formula.")
            % {"code": value.code}
        )
    if value is None:
        if column.required:
            raise _Invalid(_("Required."))
        return "" if column.kind in ("text", "email", "choice") else None
    return _CONVERTERS[column.kind](column, value)


def _to_text(column: Column, value: Any) -> str:
    # Kept as typed (only the edges are stripped): names and addresses are not normalised.
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        text = _number_text(value)
    elif isinstance(value, datetime) and value.time() == datetime.min.time():
        text = value.strftime("%Y/%m/%d")
    elif isinstance(value, datetime):
        text = value.strftime("%Y/%m/%d %H:%M")
    else:
        text = str(value)
    text = text.strip()
    _check_length(column.max_length, text)
    return text


def _check_length(limit: int | None, text: str) -> None:
    if limit is not None and len(text) > limit:
        raise _Invalid(
            _("Enter at most %(max)s characters (this cell has %(count)s).")
            % {"max": limit, "count": len(text)}
        )


_INT_RE: Final = re.compile(r"[+-]?[0-9]{1,15}", re.ASCII)


def _to_int(column: Column, value: Any) -> int:
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = _nfkc(value).replace(",", "")
        if _INT_RE.fullmatch(text):
            number = int(text)
    if number is None:
        raise _Invalid(_("Enter a whole number."))
    if not INT_MIN <= number <= INT_MAX:
        raise _Invalid(
            _("Enter a whole number between %(min)s and %(max)s.")
            % {"min": f"{INT_MIN:,}", "max": f"{INT_MAX:,}"}
        )
    return number


def _to_date(column: Column, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        # 20250401 typed into a cell Excel formats as General.
        value = str(int(value))
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError as error:
            raise _Invalid(str(error)) from None
    raise _Invalid(date_hint())


def _to_choice(column: Column, value: Any) -> str:
    choices = column.choices or {}
    text = (
        _number_text(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    )
    text = text.strip()
    by_label = {label: choice for choice, label in choices.items()}
    if text in by_label:
        return by_label[text]
    if text in choices:
        return text
    # Forgiving about width and case only (半角ｶﾅ, ＡＢＣ, abc): labels first, as the sheet shows them.
    folded = _nfkc(text).casefold()
    for candidates in (by_label, {choice: choice for choice in choices}):
        for candidate, choice in candidates.items():
            if _nfkc(candidate).casefold() == folded:
                return choice
    raise _Invalid(
        _("Choose one of the values in the list: %(choices)s.") % {"choices": " / ".join(by_label)}
    )


def _to_bool(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        token = _nfkc(value).casefold()
        if token in _TRUE_TOKENS:
            return True
        if token in _FALSE_TOKENS:
            return False
    raise _Invalid(_("Enter “%(yes)s” or “%(no)s”.") % {"yes": YES, "no": NO})


def _to_email(column: Column, value: Any) -> str:
    # NFKC: an address typed with the Japanese IME on (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) is still an address.
    text = _nfkc(value if isinstance(value, str) else str(value))
    _check_length(column.max_length or EMAIL_MAX_LENGTH, text)
    try:
        validate_email(text)
    except ValidationError as error:
        raise _Invalid(str(error.messages[0])) from None
    return text


_CONVERTERS: Final[dict[str, Callable[[Column, Any], Any]]] = {
    "text": _to_text,
    "int": _to_int,
    "date": _to_date,
    "choice": _to_choice,
    "bool": _to_bool,
    "email": _to_email,
}
