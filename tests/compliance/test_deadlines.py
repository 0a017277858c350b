from datetime import date

import pytest

from compliance.deadlines import add_interval, add_months, due_date
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
        ("before_work_start", None, date(2025, 4, 1), date(2025, 4, 14)),
        ("before_contract_end", None, date(2025, 4, 1), date(2026, 3, 31)),
    ],
)
def test_due_date_rules(rule, days, trigger, expected):
    assert due_date(rule=rule, days=days, fixed=None, trigger_date=trigger, **ANCHORS) == expected


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
