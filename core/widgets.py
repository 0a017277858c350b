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


class WarekiDateInput(forms.DateInput):
    input_type = "date"
    template_name = "core/widgets/wareki_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        day = _as_date(value)
        context["widget"]["wareki"] = format_wareki(day, with_weekday=True) if day else ""
        return context


class WarekiDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"
    template_name = "core/widgets/wareki_date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # To the minute: what the ledgers compare, and what people note on a take-out log.
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        moment = _as_moment(value)
        context["widget"]["wareki"] = format_wareki_datetime(moment, with_weekday=True) if moment else ""
        return context
