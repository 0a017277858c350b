"""Due dates from an obligation's deadline rule (docs/clause-templates.md, "Deadlines")."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from core.business_days import BusinessCalendar

# The rules counted from the work start or from the contract's end: the engine re-dates their
# open duties when the real date is recorded (work started on another day, an early end).
WORK_START_RULES = frozenset({"before_work_start", "by_work_start", "business_days_before_work_start"})
CONTRACT_END_RULES = frozenset({"before_contract_end", "business_days_before_contract_end"})


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


def first_cycle_due(*, start: date, end: date, months: int | None, days: int | None) -> date:
    """The first due date of a periodic duty: one interval after the start, but inside the
    contract — a yearly duty of a one-year contract is due within that year (by its end date),
    not on the day after the contract has ended."""
    return min(add_interval(start, months=months, days=days), end)


def due_date(
    *,
    rule: str,
    days: int | None,
    fixed: date | None,
    trigger_date: date,
    work_start: date,
    contract_end: date,
    cal: BusinessCalendar,
    contract_start: date | None = None,
    event_due: date | None = None,
) -> date | None:
    """The due date for a duty opened on `trigger_date` (a date in Japan), or None.

    `work_start` is the work start the duty is anchored on: the contract's, or the start of the
    application (a subcontract) whose event opened the duty. `event_due` is the due date the
    opening event carries (its data's `due_date`), for the rule `event_due_date`.
    """
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
        # 着手前 / 事前に: done on a business day before the first day of work; an approval given
        # on that first day is already late.
        return cal.add_business_days(work_start, -1)
    if rule == "by_work_start":
        # 作業開始時まで / 業務を行うに当たり: in place on the first day of work itself.
        return work_start
    if rule == "business_days_before_work_start":
        # A step that must precede another one due before the start (the application before
        # the approval): N business days before the work start.
        return cal.add_business_days(work_start, -(days or 1))
    if rule == "before_contract_end":
        return contract_end
    if rule == "business_days_before_contract_end":
        # Asked for before the end-of-contract act it precedes (apply for disposal before
        # disposing): N business days before the end date.
        return cal.add_business_days(contract_end, -(days or 1))
    if rule == "business_days_before_contract_start":
        # A step of the public body while the contract is prepared (procurement), counted back
        # from the planned contract start: N business days before it.
        if contract_start is None:
            raise ValueError("business_days_before_contract_start needs the contract start")
        return cal.add_business_days(contract_start, -(days or 1))
    if rule == "fixed_date":
        return fixed
    if rule == "event_due_date":
        # The day the opening event itself sets (an inspection finding's day to correct it by):
        # the document gives none, the person who records the finding does. None if it sets none.
        return event_due
    raise ValueError(f"Unknown deadline rule {rule!r}")
