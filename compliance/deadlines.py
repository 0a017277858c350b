"""Due dates from an obligation's deadline rule (docs/clause-templates.md, "Deadlines")."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from core.business_days import BusinessCalendar


def add_months(d: date, months: int) -> date:
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    # 1/31 + 1 month is the last day of February, not March 3.
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def add_interval(d: date, *, months: int | None, days: int | None) -> date:
    if months:
        d = add_months(d, months)
    if days:
        d = d + timedelta(days=days)
    return d


def due_date(
    *,
    rule: str,
    days: int | None,
    fixed: date | None,
    trigger_date: date,
    work_start: date,
    contract_end: date,
    cal: BusinessCalendar,
) -> date | None:
    """The due date for a duty opened on `trigger_date` (a date in Japan), or None."""
    if rule == "none":
        return None
    if rule == "immediately":
        return trigger_date
    if rule == "business_days_after":
        # N business days of the public body after the trigger day (0: that day, or the next
        # business day when it is closed).
        return cal.add_business_days(trigger_date, days or 0)
    if rule == "calendar_days_after":
        return trigger_date + timedelta(days=days or 0)
    if rule == "before_work_start":
        return work_start
    if rule == "before_contract_end":
        return contract_end
    if rule == "fixed_date":
        return fixed
    raise ValueError(f"Unknown deadline rule {rule!r}")
