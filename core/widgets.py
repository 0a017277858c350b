"""Date and time inputs that also say the chosen day in 和暦.

People at public bodies read and write dates in 和暦 (令和8年12月4日), while the browser's own
picker shows the western calendar. The widget keeps the browser's picker (type=date, which
submits an unambiguous ISO date and works with a keyboard and screen readers) and prints, next to
it, the same day in 和暦 — rendered by the server for the value the page was built with, and kept
in step by static/js/wareki.js as the person picks another day. Without JavaScript the readout
simply shows the value the form was sent with.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from core.wareki import JST, format_wareki, format_wareki_datetime, parse_date


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value, JST).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return parse_date(value)
        except ValueError:
            return None  # what the person typed stays in the field; the field's error says why
    return None


def _as_moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return timezone.localtime(value, JST) if timezone.is_aware(value) else value
    if isinstance(value, str) and value.strip():
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _with_readout(html: str, attrs: dict[str, Any] | None, text: str) -> str:
    """The input, and beside it the day in 和暦 (an <output> tied to the input, read out when it
    changes). Built here rather than in a widget template: Django's form renderer looks only in
    the apps' template folders, and a kernel module needs no folder of its own for one line."""
    target = (attrs or {}).get("id")
    return format_html(
        '<span class="date-field">{}<output class="wareki-readout"{} aria-live="polite">{}</output></span>',
        html,
        format_html(' for="{}"', target) if target else "",
        text,
    )


class WarekiDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-wareki": True, **(attrs or {})}, format="%Y-%m-%d")

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None) -> str:
        day = _as_date(value)
        text = format_wareki(day, with_weekday=True) if day else ""
        return _with_readout(super().render(name, value, attrs, renderer), attrs, text)


class WarekiDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # To the minute: what the ledgers compare, and what people note on a take-out log.
        super().__init__({"data-wareki": True, **(attrs or {})}, format="%Y-%m-%dT%H:%M")

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None) -> str:
        moment = _as_moment(value)
        text = format_wareki_datetime(moment, with_weekday=True) if moment else ""
        return _with_readout(super().render(name, value, attrs, renderer), attrs, text)
