from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from core.business_days import BusinessCalendar, calendar_for

DEFAULT = BusinessCalendar()
# Some bodies close from 12/28 to 1/4.
WIDE = BusinessCalendar(closure_start=(12, 28), closure_end=(1, 4))


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 3, 4), True),  # an ordinary Tuesday
        (date(2025, 3, 8), False),  # Saturday
        (date(2025, 3, 9), False),  # Sunday
        (date(2026, 11, 23), False),  # 勤労感謝の日, a Monday
        (date(2025, 2, 24), False),  # 振替休日 for 天皇誕生日
        (date(2025, 5, 6), False),  # 振替休日 for みどりの日
        (date(2026, 9, 22), False),  # 国民の休日 between 敬老の日 and 秋分の日
        (date(2025, 12, 26), True),
        (date(2025, 12, 29), False),
        (date(2025, 12, 30), False),
        (date(2025, 12, 31), False),
        (date(2026, 1, 2), False),
        (date(2026, 1, 5), True),  # Monday after the closure
        (date(2024, 12, 27), True),
        (date(2024, 12, 30), False),  # Monday inside the closure
        (date(2025, 1, 3), False),  # Friday inside the closure
        (date(2025, 1, 6), True),
    ],
)
def test_is_business_day(d: date, expected: bool) -> None:
    assert DEFAULT.is_business_day(d) is expected


def test_default_closure_is_12_29_to_1_3() -> None:
    closed = [date(2025, 12, 29) + timedelta(days=i) for i in range(6)]
    assert closed[-1] == date(2026, 1, 3)
    assert not any(DEFAULT.is_business_day(d) for d in closed)
    assert all(DEFAULT.in_closure(d) for d in closed)
    assert not DEFAULT.in_closure(date(2025, 12, 28))
    assert not DEFAULT.in_closure(date(2026, 1, 4))


@pytest.mark.parametrize(
    ("d", "default_open", "wide_open"),
    [
        (date(2026, 12, 28), True, False),  # Monday
        (date(2021, 1, 4), True, False),  # Monday
        (date(2021, 1, 5), True, True),
        (date(2026, 12, 25), True, True),
    ],
)
def test_custom_closure(d: date, default_open: bool, wide_open: bool) -> None:
    assert DEFAULT.is_business_day(d) is default_open
    assert WIDE.is_business_day(d) is wide_open


def test_closure_within_one_year() -> None:
    summer = BusinessCalendar(closure_start=(8, 13), closure_end=(8, 15))
    assert not summer.is_business_day(date(2025, 8, 13))
    assert not summer.is_business_day(date(2025, 8, 15))
    assert summer.is_business_day(date(2025, 8, 18))
    assert summer.is_business_day(date(2025, 12, 30))


def test_extra_closed_days() -> None:
    cal = BusinessCalendar(extra_closed_days=frozenset({date(2025, 3, 4)}))
    assert not cal.is_business_day(date(2025, 3, 4))
    assert cal.next_business_day(date(2025, 3, 4)) == date(2025, 3, 5)


@pytest.mark.parametrize(
    ("cal", "start", "n", "expected"),
    [
        (DEFAULT, date(2025, 3, 4), 0, date(2025, 3, 4)),
        (DEFAULT, date(2025, 3, 8), 0, date(2025, 3, 10)),  # Saturday → Monday
        (DEFAULT, date(2025, 3, 4), 1, date(2025, 3, 5)),
        (DEFAULT, date(2025, 3, 7), 1, date(2025, 3, 10)),  # over a weekend
        (DEFAULT, date(2025, 3, 8), 1, date(2025, 3, 10)),  # from a Saturday
        # Across the year end.
        (DEFAULT, date(2025, 12, 26), 1, date(2026, 1, 5)),
        (DEFAULT, date(2025, 12, 26), 2, date(2026, 1, 6)),
        (DEFAULT, date(2025, 12, 29), 0, date(2026, 1, 5)),
        (WIDE, date(2026, 12, 25), 1, date(2027, 1, 5)),
        (DEFAULT, date(2026, 12, 25), 1, date(2026, 12, 28)),
        # Across Golden Week 2025: 4/29 (Tue), 5/3–5/6 closed.
        (DEFAULT, date(2025, 4, 28), 1, date(2025, 4, 30)),
        (DEFAULT, date(2025, 5, 2), 1, date(2025, 5, 7)),
        (DEFAULT, date(2025, 4, 25), 5, date(2025, 5, 7)),
        # Backwards.
        (DEFAULT, date(2026, 1, 5), -1, date(2025, 12, 26)),
        (DEFAULT, date(2025, 5, 7), -1, date(2025, 5, 2)),
        (DEFAULT, date(2025, 5, 7), -5, date(2025, 4, 25)),
        (DEFAULT, date(2025, 3, 10), -1, date(2025, 3, 7)),
        (DEFAULT, date(2025, 3, 8), -1, date(2025, 3, 7)),  # from a Saturday
        (DEFAULT, date(2026, 9, 24), -1, date(2026, 9, 18)),  # over 9/19–9/23
    ],
)
def test_add_business_days(cal: BusinessCalendar, start: date, n: int, expected: date) -> None:
    assert cal.add_business_days(start, n) == expected


@pytest.mark.parametrize(
    ("d", "next_", "previous"),
    [
        (date(2025, 3, 4), date(2025, 3, 4), date(2025, 3, 4)),
        (date(2025, 3, 8), date(2025, 3, 10), date(2025, 3, 7)),
        (date(2025, 12, 31), date(2026, 1, 5), date(2025, 12, 26)),
        (date(2025, 5, 4), date(2025, 5, 7), date(2025, 5, 2)),
    ],
)
def test_next_and_previous_business_day(d: date, next_: date, previous: date) -> None:
    assert DEFAULT.next_business_day(d) == next_
    assert DEFAULT.previous_business_day(d) == previous


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2025, 3, 4), date(2025, 3, 4), 0),
        (date(2025, 3, 4), date(2025, 3, 5), 1),  # (a, b]: b counts, a does not
        (date(2025, 3, 3), date(2025, 3, 10), 5),
        (date(2025, 3, 7), date(2025, 3, 9), 0),
        (date(2025, 12, 26), date(2026, 1, 5), 1),
        (date(2025, 4, 25), date(2025, 5, 7), 5),
        (date(2025, 3, 10), date(2025, 3, 3), -5),
    ],
)
def test_business_days_between(a: date, b: date, expected: int) -> None:
    assert DEFAULT.business_days_between(a, b) == expected


@pytest.mark.parametrize("n", [-25, -7, -1, 1, 3, 10, 40])
@pytest.mark.parametrize("start", [date(2025, 4, 25), date(2025, 12, 26), date(2026, 9, 18)])
def test_add_and_between_agree(start: date, n: int) -> None:
    assert DEFAULT.is_business_day(start)
    assert DEFAULT.business_days_between(start, DEFAULT.add_business_days(start, n)) == n


def test_datetimes_are_refused() -> None:
    with pytest.raises(TypeError):
        DEFAULT.is_business_day(datetime(2025, 3, 4, 9, 0))


@pytest.mark.parametrize(
    "kwargs",
    [{"closure_start": (13, 1)}, {"closure_end": (2, 30)}, {"closure_start": (0, 0)}],
)
def test_invalid_closure_is_rejected(kwargs) -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(**kwargs)


def test_calendar_without_business_days_does_not_loop_forever() -> None:
    never = BusinessCalendar(closure_start=(1, 1), closure_end=(12, 31))
    with pytest.raises(ValueError, match="no business day"):
        never.next_business_day(date(2025, 3, 4))


def test_calendar_is_frozen_and_hashable() -> None:
    with pytest.raises(AttributeError):
        DEFAULT.closure_start = (12, 28)  # type: ignore[misc]
    assert hash(BusinessCalendar()) == hash(DEFAULT)


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        (None, BusinessCalendar()),
        (object(), BusinessCalendar()),
        (
            SimpleNamespace(
                closure_start_month=12, closure_start_day=28, closure_end_month=1, closure_end_day=4
            ),
            WIDE,
        ),
        # A pair that is only half set falls back to the default for that end.
        (
            SimpleNamespace(
                closure_start_month=12, closure_start_day=None, closure_end_month=1, closure_end_day=4
            ),
            BusinessCalendar(closure_end=(1, 4)),
        ),
        (
            SimpleNamespace(closure_start_month=12, closure_start_day=27),
            BusinessCalendar(closure_start=(12, 27)),
        ),
    ],
)
def test_calendar_for(org: object, expected: BusinessCalendar) -> None:
    assert calendar_for(org) == expected
