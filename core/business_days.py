"""Business days (開庁日) of a Japanese public body: weekdays that are neither national holidays nor
inside the body's year-end closure (年末年始)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Final

import jpholiday

MonthDay = tuple[int, int]

DEFAULT_CLOSURE_START: Final[MonthDay] = (12, 29)
DEFAULT_CLOSURE_END: Final[MonthDay] = (1, 3)

# A calendar whose closure covers the whole year has no business days; stop looking instead of
# looping forever.
_MAX_SEARCH_DAYS: Final = 400

_ONE_DAY: Final = timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    # year_holidays includes 振替休日 and 国民の休日. Holidays added with jpholiday.register() after a
    # year is cached are not seen: register them at start-up.
    return frozenset(d for d, _name in jpholiday.year_holidays(year))


def _check_date(d: date) -> None:
    # datetime is a date subclass but never equals one, so it would silently miss holiday sets, and
    # its UTC date may not be the date in Japan: make the caller choose the date.
    if isinstance(d, datetime):
        raise TypeError("business-day functions take a date, not a datetime")


def _check_month_day(name: str, value: MonthDay) -> None:
    month, day = value
    try:
        date(2000, month, day)  # a leap year, so 2/29 is accepted
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} {value!r} is not a valid (month, day)") from exc


@dataclass(frozen=True)
class BusinessCalendar:
    closure_start: MonthDay = DEFAULT_CLOSURE_START
    closure_end: MonthDay = DEFAULT_CLOSURE_END
    extra_closed_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        _check_month_day("closure_start", self.closure_start)
        _check_month_day("closure_end", self.closure_end)

    def in_closure(self, d: date) -> bool:
        md = (d.month, d.day)
        if self.closure_start <= self.closure_end:
            return self.closure_start <= md <= self.closure_end
        # Wraps over the new year, e.g. 12/29–1/3.
        return md >= self.closure_start or md <= self.closure_end

    def is_business_day(self, d: date) -> bool:
        _check_date(d)
        return not (
            d.weekday() >= 5 or d in _holidays(d.year) or self.in_closure(d) or d in self.extra_closed_days
        )

    def _step_to_business_day(self, d: date, step: timedelta) -> date:
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_business_day(d):
                return d
            d += step
        raise ValueError(f"no business day within {_MAX_SEARCH_DAYS} days of {d.isoformat()}")

    def next_business_day(self, d: date) -> date:
        """d itself if it is a business day, else the first one after it."""
        return self._step_to_business_day(d, _ONE_DAY)

    def previous_business_day(self, d: date) -> date:
        """d itself if it is a business day, else the last one before it."""
        return self._step_to_business_day(d, -_ONE_DAY)

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th business day after d (before d when n < 0); n == 0 is next_business_day(d).

        For a business day d, business_days_between(d, add_business_days(d, n)) == n.
        """
        _check_date(d)
        if n == 0:
            return self.next_business_day(d)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        for _ in range(abs(n)):
            d = self._step_to_business_day(d + step, step)
        return d

    def business_days_between(self, a: date, b: date) -> int:
        """Business days in (a, b]; negative, -business_days_between(b, a), when b < a."""
        _check_date(a)
        _check_date(b)
        if b < a:
            return -self.business_days_between(b, a)
        count = 0
        d = a + _ONE_DAY
        while d <= b:
            count += self.is_business_day(d)
            d += _ONE_DAY
        return count


def _month_day_of(org: Any, prefix: str, default: MonthDay) -> MonthDay:
    month = getattr(org, f"{prefix}_month", None)
    day = getattr(org, f"{prefix}_day", None)
    if month is None or day is None:
        return default
    return (int(month), int(day))


def calendar_for(org: Any | None) -> BusinessCalendar:
    """The calendar of an organisation with closure_{start,end}_{month,day}; defaults for whatever
    is missing or None (and for org None)."""
    if org is None:
        return BusinessCalendar()
    return BusinessCalendar(
        closure_start=_month_day_of(org, "closure_start", DEFAULT_CLOSURE_START),
        closure_end=_month_day_of(org, "closure_end", DEFAULT_CLOSURE_END),
    )
