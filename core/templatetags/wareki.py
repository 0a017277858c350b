"""和暦 filters. Registered as a template builtin, so keep this import free of side effects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

from core.wareki import format_wareki, format_wareki_datetime

register = template.Library()


# Like Django's own |date, a value that is not a date (or is out of range) renders as "" rather than
# breaking the page.
@register.filter
def wareki(value: Any) -> str:
    if not isinstance(value, date):
        return ""
    try:
        return format_wareki(value)
    except ValueError:
        return ""


@register.filter
def wareki_weekday(value: Any) -> str:
    if not isinstance(value, date):
        return ""
    try:
        return format_wareki(value, with_weekday=True)
    except ValueError:
        return ""


@register.filter
def wareki_datetime(value: Any) -> str:
    if not isinstance(value, date):
        return ""
    try:
        if isinstance(value, datetime):
            return format_wareki_datetime(value)
        return format_wareki(value)
    except ValueError:
        return ""
