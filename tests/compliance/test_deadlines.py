from datetime import date

import pytest

from compliance.deadlines import add_interval, add_months, due_date, first_cycle_due
from core.business_days import BusinessCalendar

CAL = BusinessCalendar()
ANCHORS = {"work_start": date(2025, 4, 14), "contract_end": date(2026, 3, 31), "cal": CAL}


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 4, 1), 12, date(2026, 4, 1)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_add_interval_in_days():
    assert add_interval(date(2025, 12, 25), months=None, days=10) == date(2026, 1, 4)


@pytest.mark.parametrize(
    ("rule", "days", "trigger", "expected"),
    [
        ("none", None, date(2025, 5, 1), None),
        ("immediately", None, date(2025, 5, 3), date(2025, 5, 3)),  # 直ちに: the day itself, even a holiday
        ("calendar_days_after", 30, date(2025, 8, 1), date(2025, 8, 31)),
        # Golden Week 2025: 5/3–5/6 are holidays (5/6 振替休日), so 5 business days after 5/1 is 5/12.
        ("business_days_after", 5, date(2025, 5, 1), date(2025, 5, 12)),
        # Across the year-end closure 12/29–1/3 and 成人の日 (2026-01-12).
        ("business_days_after", 5, date(2025, 12, 26), date(2026, 1, 9)),
        ("business_days_after", 6, date(2025, 12, 26), date(2026, 1, 13)),
        # 0 business days: the day itself, or the next business day when closed.
        ("business_days_after", 0, date(2025, 12, 30), date(2026, 1, 5)),
        # 着手前: the business day before Mon 2025-04-14 is Fri 04-11; 作業開始時まで: the day itself.
        ("before_work_start", None, date(2025, 4, 1), date(2025, 4, 11)),
        ("by_work_start", None, date(2025, 4, 1), date(2025, 4, 14)),
        ("business_days_before_work_start", 2, date(2025, 4, 1), date(2025, 4, 10)),
        ("before_contract_end", None, date(2025, 4, 1), date(2026, 3, 31)),
        ("business_days_before_contract_end", 1, date(2025, 4, 1), date(2026, 3, 30)),
    ],
)
def test_due_date_rules(rule, days, trigger, expected):
    assert due_date(rule=rule, days=days, fixed=None, trigger_date=trigger, **ANCHORS) == expected


@pytest.mark.parametrize(
    ("rule", "days", "work_start", "expected"),
    [
        # Thu 2026-05-07 after Golden Week (5/3–5/6 holidays, 5/6 振替休日, 5/2 a Saturday).
        ("before_work_start", None, date(2026, 5, 7), date(2026, 5, 1)),
        ("by_work_start", None, date(2026, 5, 7), date(2026, 5, 7)),
        ("business_days_before_work_start", 2, date(2026, 5, 7), date(2026, 4, 30)),
        # A start inside the holidays: the business day before it, not the holiday before.
        ("before_work_start", None, date(2026, 5, 5), date(2026, 5, 1)),
        ("by_work_start", None, date(2026, 5, 5), date(2026, 5, 5)),
        # Across the year-end closure 12/29–1/3: the business day before Mon 2027-01-04 is Mon 12-28.
        ("before_work_start", None, date(2027, 1, 4), date(2026, 12, 28)),
        ("business_days_before_work_start", 3, date(2027, 1, 4), date(2026, 12, 24)),
    ],
)
def test_work_start_rules_at_holidays_and_the_year_end(rule, days, work_start, expected):
    anchors = {**ANCHORS, "work_start": work_start}
    assert due_date(rule=rule, days=days, fixed=None, trigger_date=date(2026, 4, 1), **anchors) == expected


@pytest.mark.parametrize(
    ("days", "end", "expected"),
    [
        (1, date(2027, 3, 31), date(2027, 3, 30)),  # Wed → Tue
        (1, date(2027, 1, 4), date(2026, 12, 28)),  # the closure is skipped
        (1, date(2026, 5, 7), date(2026, 5, 1)),  # Golden Week is skipped
        (2, date(2026, 5, 7), date(2026, 4, 30)),
    ],
)
def test_business_days_before_the_contract_end(days, end, expected):
    anchors = {**ANCHORS, "contract_end": end}
    assert (
        due_date(
            rule="business_days_before_contract_end",
            days=days,
            fixed=None,
            trigger_date=date(2026, 4, 1),
            **anchors,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("start", "end", "months", "expected"),
    [
        # A yearly duty of a one-year contract is due within that year, by its end date.
        (date(2026, 4, 1), date(2027, 3, 31), 12, date(2027, 3, 31)),
        # A longer contract: one year after the start.
        (date(2026, 4, 1), date(2028, 3, 31), 12, date(2027, 4, 1)),
        # Quarterly and monthly cycles inside a short contract: the end date caps the first one.
        (date(2026, 4, 1), date(2026, 6, 30), 3, date(2026, 6, 30)),
        (date(2026, 4, 1), date(2026, 4, 20), 1, date(2026, 4, 20)),
        (date(2026, 4, 1), date(2027, 3, 31), 3, date(2026, 7, 1)),
    ],
)
def test_first_cycle_stays_inside_the_contract(start, end, months, expected):
    assert first_cycle_due(start=start, end=end, months=months, days=None) == expected


def test_fixed_date_and_custom_closure():
    assert due_date(
        rule="fixed_date", days=None, fixed=date(2025, 9, 30), trigger_date=date(2025, 4, 1), **ANCHORS
    ) == date(2025, 9, 30)
    late_closure = BusinessCalendar(closure_start=(12, 28), closure_end=(1, 5))
    anchors = {**ANCHORS, "cal": late_closure}
    # 2025-12-26 + 1 business day: 12/28–1/5 closed → 2026-01-06.
    assert due_date(
        rule="business_days_after", days=1, fixed=None, trigger_date=date(2025, 12, 26), **anchors
    ) == date(2026, 1, 6)


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="Unknown deadline rule"):
        due_date(rule="soonish", days=None, fixed=None, trigger_date=date(2025, 1, 6), **ANCHORS)
